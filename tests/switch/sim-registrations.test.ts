import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/lib/demo/data';
import { provisionSimulator } from '@/scripts/lib/demo-switch';
import { TOKEN, startTestSim, type TestSim } from './sim-fixture';

// CONTRACTS §3 and §5 on the simulator: a password change ends the credential's registrations, and
// the demo's registrar holds the devices §5 lists (and keeps them out once a password changed).

let sim: TestSim;
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  SWITCH_API_TOKEN: TOKEN,
  SWITCH_SIM_CONTROL_URL: sim.url,
});
const regs = async (u: string) =>
  (await (await fetch(`${sim.url}/v1/sip-credentials/${u}/registrations`, { headers })).json()) as {
    registrations: { contact: string; sourceIp: string; userAgent: string; expiresAt: string }[];
  };
const setPassword = (u: string, password: string, key = randomUUID()) =>
  fetch(`${sim.url}/v1/sip-credentials/${u}/password`, {
    method: 'PUT',
    headers: { ...headers, 'idempotency-key': key },
    body: JSON.stringify({ password }),
  });

beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.stop());
beforeEach(async () => {
  await sim.control('POST', '/_sim/reset');
  await provisionSimulator(env(), DEMO_ACCOUNTS);
});

describe('demo registrations (CONTRACTS §5)', () => {
  it('acme-reception from the attacker and the office, labs-trunk from its own address, acme-pbx none', async () => {
    expect((await regs('acme-reception')).registrations.map((r) => [r.sourceIp, r.userAgent])).toEqual([
      ['185.220.101.47', 'friendly-scanner'],
      ['198.51.100.20', 'Yealink SIP-T46U'],
    ]);
    expect((await regs('labs-trunk')).registrations.map((r) => r.sourceIp)).toEqual(['198.51.100.30']);
    expect((await regs('acme-pbx')).registrations).toEqual([]);
    for (const r of (await regs('acme-reception')).registrations)
      expect(Date.parse(r.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('a restarted demo registers expired devices again, unless their password changed', async () => {
    await sim.control('PUT', '/_sim/credentials/labs-trunk/registrations', { registrations: [] });
    await sim.control('PUT', '/_sim/credentials/acme-reception/registrations', { registrations: [] });
    expect((await setPassword('acme-reception', 'a-new-reception-password-1')).status).toBe(204);
    await provisionSimulator(env(), DEMO_ACCOUNTS);
    expect((await regs('labs-trunk')).registrations).toHaveLength(1);
    expect((await regs('acme-reception')).registrations).toEqual([]);
  });
});

describe('a new password ends the old registrations (CONTRACTS §3)', () => {
  it('drops every binding of that credential, and only of that one', async () => {
    expect((await setPassword('acme-reception', 'a-new-reception-password-1')).status).toBe(204);
    expect((await regs('acme-reception')).registrations).toEqual([]);
    expect((await regs('labs-trunk')).registrations).toHaveLength(1);
  });

  it('a replayed Idempotency-Key does not end registrations made after the change', async () => {
    const key = randomUUID();
    expect((await setPassword('labs-trunk', 'a-new-labs-password-1', key)).status).toBe(204);
    const phone = {
      contact: 'sip:labs-trunk@198.51.100.30:5060',
      sourceIp: '198.51.100.30',
      userAgent: 'Asterisk PBX 20.5.0',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    };
    await sim.control('PUT', '/_sim/credentials/labs-trunk/registrations', { registrations: [phone] });
    const replay = await setPassword('labs-trunk', 'a-new-labs-password-1', key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await regs('labs-trunk')).registrations).toEqual([phone]);
  });
});

describe('faults by path', () => {
  it('faults only the requests whose path contains pathContains', async () => {
    await sim.control('PUT', '/_sim/faults', {
      failNext: 1,
      failStatus: 503,
      pathContains: '/registrations',
    });
    expect((await fetch(`${sim.url}/v1/accounts/ACC-1001`, { headers })).status).toBe(200);
    expect((await fetch(`${sim.url}/v1/sip-credentials/labs-trunk/registrations`, { headers })).status).toBe(
      503,
    );
    expect((await fetch(`${sim.url}/v1/sip-credentials/labs-trunk/registrations`, { headers })).status).toBe(
      200,
    );
  });
});

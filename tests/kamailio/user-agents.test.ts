// A device that does not say what it is, on the reference switch (a tester, 2026-12): a SIP scanner
// registered with "friendly-scanner" and 260 "a"s as its User-Agent. Kamailio's registrar records
// no User-Agent of 255 bytes or more (it writes "n/a" in location.user_agent, as for a REGISTER
// with none), the companion's API passed "n/a" on, and the portal listed the scanner as one of the
// customer's phones, named "n/a". Now kamailio.cfg refuses such a REGISTER with "400 User-Agent too
// long" before any digest challenge, and the API answers "" for a binding whose user agent the
// registrar did not record (switch/kamailio/src/api.ts userAgentOfBinding), which the portal flags.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { registrationsBodySchema } from '../../lib/switch/schemas';
import { userAgentOfBinding } from '../../switch/kamailio/src/api';
import { runSipp, waitFor, type SippCall } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PBX = { username: 'tally-pbx', password: 'Tally-pbx-initial-6620' };
const DESK = { username: 'tally-desk', password: 'Tally-desk-initial-3158' };
const PADDED = `friendly-scanner${'a'.repeat(260)}`;

let rig: SwitchRig;
referenceSwitchPerFile(
  {
    name: 'user-agents',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [{ number: 'ACC-7801', name: 'Tally Ltd', credentials: [PBX, DESK] }],
      highRiskPrefixes: ['+252'],
    },
  },
  (r) => (rig = r),
);

/** SIPp as `c.username`'s device, its User-Agent `ua` (`-key ua`) where the scenario sends one. */
const sipp = (scenario: SippCall['scenario'], c: { username: string; password: string }, ua?: string) =>
  runSipp({
    scenario,
    service: c.username,
    username: c.username,
    password: c.password,
    switchAddress: rig.sw.sipAddress,
    cwd: rig.work,
    localIp: '127.0.0.78',
    extraArgs: ua === undefined ? [] : ['-key', 'ua', ua],
  });

async function registrations(username: string) {
  const res = await fetch(`${rig.sw.apiUrl}/v1/sip-credentials/${username}/registrations`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  return registrationsBodySchema.parse(await res.json()).registrations;
}

/** What Kamailio's registrar wrote in location.user_agent for `username`'s bindings. */
const storedUserAgents = (username: string): string[] =>
  (
    rig.obs.prepare('SELECT user_agent FROM location WHERE username = ?').all(username) as {
      user_agent: string;
    }[]
  ).map((r) => r.user_agent);
const kamailioLog = () => readFileSync(path.join(rig.sw.dataDir, 'kamailio.log'), 'utf8');

describe('reference switch: a User-Agent the registrar would not record', { timeout: 20_000 }, () => {
  test.each([
    ['friendly-scanner and 260 "a"s', PADDED],
    ['600 characters', 'x'.repeat(600)],
    ['255 bytes, the first length refused', 'y'.repeat(255)],
  ])('%s: refused at once with 400 User-Agent too long, no challenge, no binding', async (_, ua) => {
    const r = await sipp('register-user-agent-too-long.xml', PBX, ua);
    expect(r.code, r.output).toBe(0);
    expect(await registrations(PBX.username)).toEqual([]);
    expect(storedUserAgents(PBX.username)).toEqual([]);
  });

  test('a wrong password makes no difference: refused for its User-Agent, never challenged', async () => {
    const r = await sipp(
      'register-user-agent-too-long.xml',
      { ...PBX, password: 'not-the-password' },
      PADDED,
    );
    expect(r.code, r.output).toBe(0);
    const line = /REGISTER from 127\.0\.0\.78:\d+ refused: a User-Agent of 276 bytes/;
    await waitFor('kamailio.log to say why', () => line.test(kamailioLog()), 2_000);
    // Only its length is logged, never the text the sender chose; no digest was checked.
    expect(kamailioLog()).not.toContain(PADDED);
    expect(kamailioLog()).not.toMatch(/stale nonce from 127\.0\.0\.78/);
  });

  test('254 bytes, the longest the registrar records, registers and is listed as sent', async () => {
    const ua = `Tally-PBX/${'z'.repeat(244)}`;
    expect(ua).toHaveLength(254);
    const r = await sipp('register-user-agent.xml', DESK, ua);
    expect(r.code, r.output).toBe(0);
    expect((await registrations(DESK.username)).map((b) => b.userAgent)).toEqual([ua]);
  });
});

describe('reference switch: a device that sends no User-Agent', { timeout: 20_000 }, () => {
  test('registers (200); the registrar records "n/a" and the API answers ""', async () => {
    const r = await sipp('register-no-user-agent.xml', PBX);
    expect(r.code, r.output).toBe(0);
    expect(storedUserAgents(PBX.username)).toEqual(['n/a']);
    const [binding, ...more] = await registrations(PBX.username);
    expect(more).toEqual([]);
    expect(binding).toMatchObject({ sourceIp: '127.0.0.78', userAgent: '' });
  });
});

describe('userAgentOfBinding: location.user_agent as the API sends it', () => {
  test.each([
    ['n/a', ''],
    ['N/A', ''],
    [' n/a ', ''],
    ['', ''],
    ['  ', ''],
    [null, ''],
    ['Yealink SIP-T46U 66.86.0.15', 'Yealink SIP-T46U 66.86.0.15'],
    ['friendly-scanner', 'friendly-scanner'],
    ['n/a-phone 1.0', 'n/a-phone 1.0'],
  ])('%j → %j', (stored, sent) => {
    expect(userAgentOfBinding(stored)).toBe(sent);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { seedDemoAccounts, startTestSim, TOKEN, WEBHOOK_SECRET, type TestSim } from './sim-fixture';

// `npm run switch:sim` is `tsx switch/simulator/cli.ts`: run it the same way.

const root = resolve(__dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'switch/simulator/cli.ts');
let sim: TestSim;

beforeAll(async () => {
  sim = await startTestSim();
  await seedDemoAccounts(sim);
});
afterAll(() => sim.stop());

/** Async on purpose: the simulator under test runs in this process and must keep answering. */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(tsx, [cli, ...args], {
    cwd: root,
    timeout: 30_000,
    env: {
      NODE_ENV: 'test',
      PATH: process.env.PATH,
      SWITCH_API_TOKEN: TOKEN,
      SWITCH_SIM_URL: sim.url,
      SWITCH_SIM_DATA: join(tmpdir(), 'tollgate-no-such-dir', 'sim.db'),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((ok) => child.once('close', (status) => ok({ status, stdout, stderr })));
}

describe('switch:sim CLI', () => {
  it('fraud places a block through the running simulator and says whether Tollgate got it', async () => {
    const out = await run([
      'fraud',
      'ACC-1002',
      '+252611234567',
      '--reason',
      'suspicious_pattern',
      '--source-ip',
      '198.51.100.23',
    ]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^evt_[0-9A-Z]{26} with [2-5] trigger calls/);
    expect(out.stdout).toMatch(/not delivered yet .*keeps it and retries/);
    expect((await sim.control('GET', '/_sim/accounts/ACC-1002')).body).toMatchObject({
      internationalCalling: 'blocked',
      reason: 'suspicious_pattern',
    });
  });

  // The simulator stands in for real switches, so it sends the forms they write, as text (issue 14):
  // Tollgate reads each (lib/blocks/trigger-calls.ts), and the neighbouring numbers keep the form.
  it.each([
    ['tel:+252611234567', /^tel:\+252611234\d{3}$/],
    ['sip:+252611234567@sip.example.net;user=phone', /^sip:\+252611234\d{3}@sip\.example\.net;user=phone$/],
    [
      '"Front desk" <sip:+252611234567@10.0.0.1>;tag=a7',
      /^"Front desk" <sip:\+252611234\d{3}@10\.0\.0\.1>;tag=a7$/,
    ],
    ['+252 61 123 4567', /^\+252 61 123 4\d{3}$/],
    ['9 011 252 61 1234567', /^9 011 252 61 1234\d{3}$/], // a PBX's access code, then the IDD
  ])('fraud sends %s as the switch wrote it, and Tollgate reads every call', async (to, form) => {
    const out = await run(['fraud', 'ACC-1002', to]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const id = /^(evt_\w+)/.exec(out.stdout)![1];
    const { body } = await sim.control('GET', '/_sim/events');
    type Sent = { id: string; body: { data: { calls: { to: string }[] } } };
    const calls = (body.events as Sent[]).find((e) => e.id === id)!.body.data.calls;
    expect(calls[0]!.to).toBe(to);
    for (const c of calls) expect(c.to).toMatch(form);
    const { kept } = readTriggerCalls(calls, 'US', new Date());
    for (const c of kept) expect(c.to).toMatch(/^\+252611234\d{3}$/);
    expect(kept[0]!.to).toBe('+252611234567');
    expect((await run(['lift', 'ACC-1002'])).status).toBe(0);
  });

  it('fraud refuses a text with no dialled number in it', async () => {
    const out = await run(['fraud', 'ACC-1002', 'Somalia']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('must be a dialled number (at least 4 digits)');
  });

  it('lift clears the block', async () => {
    expect((await run(['lift', 'ACC-1002', '--actor', 'noc-operator'])).status).toBe(0);
    expect((await sim.control('GET', '/_sim/accounts/ACC-1002')).body.internationalCalling).toBe('allowed');
  });

  // An account made with `npm run admin` in the demo: the simulated switch must learn it before it can
  // block it or take its passwords, as a real switch already knows its accounts.
  it('provision tells the simulator about an account made with npm run admin, keeping its block', async () => {
    const unknown = await run(['fraud', 'ACC-5401', '+252611234567']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      'no account ACC-5401 on the simulator: an account made with npm run admin needs `npm run switch:sim -- provision <ACC-…> <SIP username>…` first',
    );
    const out = await run(['provision', 'ACC-5401', 'palermo-recepcion', 'palermo-consultorio']);
    expect(out).toMatchObject({
      status: 0,
      stdout: 'provisioned ACC-5401 with palermo-recepcion, palermo-consultorio\n',
    });
    expect((await run(['fraud', 'ACC-5401', '+252611234567'])).status).toBe(0);
    // Again, with one more credential: the block stays, the known credentials too.
    expect((await run(['provision', 'ACC-5401', 'palermo-fax'])).status).toBe(0);
    const { body } = await sim.control('GET', '/_sim/accounts/ACC-5401');
    expect(body).toMatchObject({ internationalCalling: 'blocked', reason: 'high_risk_destination' });
    expect((body.credentials as { username: string }[]).map((c) => c.username).sort()).toEqual([
      'palermo-consultorio',
      'palermo-fax',
      'palermo-recepcion',
    ]);
    expect((await run(['provision', 'ACC-5401'])).stderr).toContain(
      'provision needs an account number and its SIP usernames',
    );
  });

  it('fails with a message and exit code 2 on bad input or no simulator', async () => {
    const bad = await run(['fraud', 'ACC-1002']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('fraud needs an account number and a dialled number');
    const unknown = await run(['fraud', 'ACC-4040', '+252611234567']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no account ACC-4040');
    const down = await run(['fraud', 'ACC-1002', '+252611234567'], { SWITCH_SIM_URL: 'http://127.0.0.1:9' });
    expect(down.status).toBe(2);
    expect(down.stderr).toContain('no simulator answering');
    expect((await run(['lift', 'ACC-1002'], { SWITCH_API_TOKEN: '' })).stderr).toContain(
      'SWITCH_API_TOKEN must be set',
    );
  });

  /** A `lift` with no token in the environment, run with `env(dir)`, where `dir` holds a demo's demo-secrets.json. */
  async function liftWithDemoSecrets(env: (dir: string) => Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'sim-secrets-'));
    try {
      writeFileSync(
        join(dir, 'demo-secrets.json'),
        JSON.stringify({ SWITCH_API_TOKEN: TOKEN, SWITCH_WEBHOOK_SECRET: WEBHOOK_SECRET }),
      );
      return await run(['lift', 'ACC-1001'], { SWITCH_API_TOKEN: '', ...env(dir) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("reads the token from the demo's data/demo-secrets.json when the environment has none", async () => {
    const out = await liftWithDemoSecrets((dir) => ({ SWITCH_SIM_DATA: join(dir, 'switch-sim.db') }));
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it("reads the token from DEMO_DATA_DIR's demo-secrets.json, as the demo keeps it there", async () => {
    const out = await liftWithDemoSecrets((dir) => ({ SWITCH_SIM_DATA: '', DEMO_DATA_DIR: dir }));
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('serve listens on SWITCH_SIM_PORT and prints its URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const child = spawn(tsx, [cli], {
      cwd: root,
      env: {
        NODE_ENV: 'test',
        PATH: process.env.PATH,
        SWITCH_API_TOKEN: TOKEN,
        SWITCH_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SWITCH_SIM_PORT: '0',
        SWITCH_SIM_DATA: join(dir, 'sim.db'),
        TOLLGATE_EVENTS_URL: 'http://127.0.0.1:9/api/switch/events',
      },
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          const m = /listening on (http:\/\/\S+) /.exec(out);
          if (m) ok(m[1]!);
        });
        child.once('exit', () => fail(new Error(`exited early: ${out}`)));
      });
      const res = await fetch(`${url}/v1/accounts/ACC-1001`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(404);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

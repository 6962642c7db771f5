// Restarting the reference switch with its provisioning file, and the operator's CLI on a running
// switch: real Kamailio, SIPp phones registering. `start` provisions from --provision /
// SWITCH_PROVISION_FILE every time; until 2026-12 that wrote the file's passwords over the ones a
// customer had rotated through Tollgate, so after a restart the guessed password worked again and
// the customer's phones got 401. And `set-password` / `provision` hashed with --realm, SWITCH_REALM or
// tollgate.test, not the realm the switch ran with, writing a password that never authenticated.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SWITCH_DIR } from '../../switch/kamailio/src/db';
import { startReferenceSwitch, type ReferenceSwitch } from '../../switch/kamailio/src/launcher';
import type { ProvisionSpec } from '../../switch/kamailio/src/provision';
import { ensureSwitchTools, freeTcpPort, freeUdpPort, runSipp, type SippCall } from './harness';

const TOKEN = `tok-${randomUUID()}`;
const SECRET = `whsec-${randomUUID()}`;
/** Not the default realm (tollgate.test): the CLI must use this one, which the switch runs with. */
const REALM = 'voip.example.test';
const FIRST = { desk: 'Restart-desk-initial-4471', pbx: 'Restart-pbx-initial-0935' };
const ROTATED = { desk: 'harbor-Violet-52-pencil', pbx: 'copper-Nimbus-17-ladder' };
const SPEC: ProvisionSpec = {
  accounts: [
    {
      number: 'ACC-4101',
      name: 'Restart Ltd',
      credentials: [
        { username: 'restart-desk', password: FIRST.desk },
        { username: 'restart-pbx', password: FIRST.pbx },
      ],
    },
  ],
  highRiskPrefixes: ['+252'],
};

let work: string;
let sw: ReferenceSwitch;
const logs: string[] = [];
const specFile = () => path.join(work, 'switch-accounts.json');

/** Starts the switch on the file's data directory (the same every time), provisioned from SPEC. */
async function start(): Promise<ReferenceSwitch> {
  return startReferenceSwitch({
    sipPort: await freeUdpPort(),
    httpPort: await freeTcpPort(),
    dataDir: path.join(work, 'switch'),
    token: TOKEN,
    webhookSecret: SECRET,
    eventsUrl: 'http://127.0.0.1:9/api/switch/events', // nothing here sends an event
    uasAddress: '127.0.0.1:9', // nor a call
    realm: REALM,
    children: 2,
    log: (line) => logs.push(line),
    provision: SPEC,
  });
}

const sipp = (scenario: SippCall['scenario'], username: string, password: string) =>
  runSipp({ scenario, service: username, username, password, switchAddress: sw.sipAddress, cwd: work });
/** `password` registers `username` (200), and `refused` gets 401 (RFC 3261 §22.4). */
async function expectPassword(username: string, password: string, refused: string) {
  const ok = await sipp('register.xml', username, password);
  expect(ok.code, `${username} with the password in force: ${ok.output}`).toBe(0);
  const no = await sipp('register-unauthorized.xml', username, refused);
  expect(no.code, `${username} with a password no longer in force: ${no.output}`).toBe(0);
}

async function setPassword(username: string, password: string) {
  const res = await fetch(`${sw.apiUrl}/v1/sip-credentials/${username}/password`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Idempotency-Key': randomUUID(),
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ password }),
  });
  expect(res.status).toBe(204);
}

const tsx = path.join(SWITCH_DIR, '..', '..', 'node_modules', '.bin', 'tsx');
/** run.sh <args> on the running switch's data directory, with `env` over a clean SWITCH_REALM. */
function cli(args: string[], o: { input?: string; env?: Record<string, string> } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
  if (!o.env?.SWITCH_REALM) delete env.SWITCH_REALM;
  return spawnSync(tsx, [path.join(SWITCH_DIR, 'src', 'cli.ts'), ...args, '--data-dir', sw.dataDir], {
    encoding: 'utf8',
    input: o.input,
    env,
    timeout: 30_000,
  });
}

const row = (username: string) =>
  sw.db
    .prepare('SELECT ha1, password_changed_at, password_changed_ms FROM subscriber WHERE username = ?')
    .get(username) as { ha1: string; password_changed_at: string | null; password_changed_ms: number | null };

beforeAll(async () => {
  ensureSwitchTools();
  work = mkdtempSync(path.join(tmpdir(), 'tollgate-restart-'));
  writeFileSync(specFile(), JSON.stringify(SPEC));
  sw = await start();
}, 240_000);

afterAll(async () => {
  await sw?.stop();
  if (work && !process.env.KEEP_SWITCH_DATA) rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`reference switch data kept in ${work}`);
}, 30_000);

describe('reference switch: provisioning never puts an old password back', { timeout: 60_000 }, () => {
  test('a password changed through the API survives a restart with the same provisioning file', async () => {
    await expectPassword('restart-desk', FIRST.desk, 'Not-the-password-1');
    await setPassword('restart-desk', ROTATED.desk);
    await expectPassword('restart-desk', ROTATED.desk, FIRST.desk);
    const changed = row('restart-desk');

    logs.length = 0;
    await sw.stop();
    sw = await start(); // the operator's restart: same data directory, same --provision file

    await expectPassword('restart-desk', ROTATED.desk, FIRST.desk);
    expect(row('restart-desk')).toEqual(changed);
    // The file's other credential was never changed: it still has the file's password.
    await expectPassword('restart-pbx', FIRST.pbx, ROTATED.pbx);
    // The log says what provisioning did, and which credential's file password was not applied.
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^provisioning: 0 credential\(s\) created, 2 existing kept their password .*differs for restart-desk:.*set-password/,
      ),
    );
  });

  test('run.sh provision with the file changes no existing password either, and names the one it kept', async () => {
    const before = row('restart-desk');
    const r = cli(['provision', '--file', specFile()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 credential\(s\) created, 2 existing kept their password/);
    expect(r.stdout).toMatch(/differs for restart-desk:/);
    expect(row('restart-desk')).toEqual(before);
    await expectPassword('restart-desk', ROTATED.desk, FIRST.desk);
  });
});

describe('reference switch CLI: the realm is the running switch’s', { timeout: 60_000 }, () => {
  test('a --realm or SWITCH_REALM other than the switch’s is refused (exit 2), nothing changes', async () => {
    const before = row('restart-pbx');
    const ways: { args: string[]; env: Record<string, string>; named: string }[] = [
      { args: ['--realm', 'tollgate.test'], env: {}, named: '--realm' },
      { args: [], env: { SWITCH_REALM: 'tollgate.test' }, named: 'SWITCH_REALM' },
    ];
    for (const o of ways) {
      const r = cli(['set-password', '--username', 'restart-pbx', ...o.args], {
        input: ROTATED.pbx,
        env: o.env,
      });
      expect(r.status, r.stdout).toBe(2);
      expect(r.stderr).toContain(`${o.named} is tollgate.test, but the switch in ${sw.dataDir} was started`);
      expect(r.stderr).toContain(`realm ${REALM}`);
      const p = cli(['provision', '--file', specFile(), ...o.args], { env: o.env });
      expect(p.status, p.stdout).toBe(2);
    }
    expect(row('restart-pbx')).toEqual(before);
    await expectPassword('restart-pbx', FIRST.pbx, ROTATED.pbx);
  });

  test('start with a realm other than the one recorded is refused (exit 2) before anything starts', () => {
    const ways: { args: string[]; env: Record<string, string>; named: string }[] = [
      { args: ['--realm', 'tollgate.test'], env: {}, named: '--realm' },
      { args: [], env: { SWITCH_REALM: 'tollgate.test' }, named: 'SWITCH_REALM' },
    ];
    for (const o of ways) {
      const r = cli(['start', ...o.args], {
        env: { ...o.env, SWITCH_API_TOKEN: TOKEN, SWITCH_WEBHOOK_SECRET: SECRET },
      });
      expect(r.status, r.stdout).toBe(2);
      expect(r.stderr).toContain(`${o.named} is tollgate.test, but the switch in ${sw.dataDir} was started`);
      expect(r.stderr).toContain('--change-realm');
    }
    expect(sw.db.prepare("SELECT value FROM switch_settings WHERE name = 'realm'").get()).toEqual({
      value: REALM,
    });
  });

  test('set-password without --realm hashes for the switch’s realm: the new password registers, the old one gets 401', async () => {
    const r = cli(['set-password', '--username', 'restart-pbx'], { input: ROTATED.pbx });
    expect(r.status, r.stderr).toBe(0);
    await expectPassword('restart-pbx', ROTATED.pbx, FIRST.pbx);
    // The same realm given explicitly is accepted.
    const again = cli(['set-password', '--username', 'restart-pbx', '--realm', REALM], {
      input: ROTATED.pbx,
    });
    expect(again.status, again.stderr).toBe(0);
    await expectPassword('restart-pbx', ROTATED.pbx, FIRST.pbx);
  });
});

// The reference switch (issue 7) against real SIP traffic: Kamailio 5.6 started by
// startReferenceSwitch(), SIPp as the customer's phones, the attacker and the carrier, and a local
// HTTP receiver standing in for Tollgate's events endpoint. Nothing here is skipped: missing
// Debian packages are installed when running as root, otherwise the suite fails saying what is missing.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { blockPlacedEventSchema } from '../../lib/switch/events-schema';
import {
  registrationsBodySchema,
  switchAccountSchema,
  switchErrorBodySchema,
} from '../../lib/switch/schemas';
import { verifySignature } from '../../lib/switch/signature';
import { setSubscriberPassword } from '../../switch/kamailio/src/provision';
import { runSipp, runSippRegisterLoad, sleep, waitFor, type SippCall } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const SECRET = `whsec-${randomUUID()}`;
const PW = {
  reception: 'Reception-initial-7731',
  pbx: 'Pbx-initial-0042',
  labs: 'Labs-initial-5519',
  harbor: 'Harbor-initial-9083',
  numbers: 'Numbers-initial-1313',
  graceDesk: 'Grace-desk-initial-2207',
  gracePbx: 'Grace-pbx-initial-6410',
};
const NEW_RECEPTION_PW = 'kettle-Orbit-96-saddle';
const NEW_GRACE_DESK_PW = 'lantern-Quill-38-meadow';
const LOAD_USERS = Array.from({ length: 40 }, (_, i) => ({
  username: `load-${i}`,
  password: `Load-pw-${i}-${randomUUID().slice(0, 8)}`,
}));
const SOMALIA = '+252611234567';
// A valid number of the accounts' country (US): the switch sends a national number in E.164.
const NATIONAL = '2125550123';
const NATIONAL_E164 = `+1${NATIONAL}`;
const HOTSPOT_IP = '127.0.0.66';

let work: string;
let sw: SwitchRig['sw'];
let uas: SwitchRig['uas'];
let receiver: SwitchRig['receiver'];
let obs: SwitchRig['obs'];

type Sipp = Omit<SippCall, 'switchAddress' | 'cwd'>;
const sipp = (c: Sipp) => runSipp({ ...c, switchAddress: sw.sipAddress, cwd: work });
const register = (username: string, password: string) =>
  sipp({ scenario: 'register.xml', service: username, username, password });
const registerRejected = (username: string, password: string) =>
  sipp({ scenario: 'register-rejected.xml', service: username, username, password });
/**
 * acme-reception, with its first password, tries `scenario` (a REGISTER the switch must refuse) for
 * `service`'s address: SIPp sees the refusal the scenario expects, and `service` has no binding.
 */
async function refusedWithFirstPassword(scenario: SippCall['scenario'], service: string) {
  const r = await sipp({ scenario, service, username: 'acme-reception', password: PW.reception });
  expect(r.code, r.output).toBe(0);
  expect(await registrations(service)).toEqual([]);
}
const call = (username: string, password: string, to: string, localIp?: string) =>
  sipp({ scenario: 'call.xml', service: to, username, password, localIp });
const callUnauthorized = (username: string, password: string, to: string) =>
  sipp({ scenario: 'call-unauthorized.xml', service: to, username, password });
const callRefused = (username: string, password: string, to: string, localIp?: string) =>
  sipp({ scenario: 'call-refused.xml', service: to, username, password, localIp });

async function api(
  method: string,
  urlPath: string,
  opts: { body?: unknown; key?: string | null; token?: string | null; raw?: string; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? TOKEN}`;
  if (opts.key !== undefined && opts.key !== null) headers['Idempotency-Key'] = opts.key;
  let body: string | undefined;
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers['Content-Type'] = opts.type ?? 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(`${sw.apiUrl}${urlPath}`, { method, headers, body });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const account = async (n: string) => switchAccountSchema.parse((await api('GET', `/v1/accounts/${n}`)).json);
const registrations = async (u: string) =>
  registrationsBodySchema.parse((await api('GET', `/v1/sip-credentials/${u}/registrations`)).json)
    .registrations;
const outboxCount = (n: string) =>
  (obs.prepare('SELECT count(*) AS c FROM outbox WHERE account_number = ?').get(n) as { c: number }).c;

/** Request-URIs the carrier received since `before` (waits for SIPp's message trace). */
const carrierInvites = (before: number) =>
  waitFor(
    'the carrier to log the INVITE',
    () => uas.invites().length > before && uas.invites().slice(before),
    2_000,
  );

/** Deliveries of block events, verified as Tollgate verifies them. */
function deliveredEvents() {
  return receiver.received.map((r) => {
    const verdict = verifySignature(SECRET, r.raw, r.signature);
    return {
      ...r,
      verdict,
      event: JSON.parse(r.raw) as { id: string; type: string; data: Record<string, unknown> },
    };
  });
}

referenceSwitchPerFile(
  {
    name: 'refswitch',
    token: TOKEN,
    webhookSecret: SECRET,
    provision: {
      accounts: [
        {
          number: 'ACC-1001',
          name: 'Acme Dental',
          credentials: [
            { username: 'acme-reception', password: PW.reception },
            { username: 'acme-pbx', password: PW.pbx },
          ],
        },
        {
          number: 'ACC-1002',
          name: 'Acme Labs',
          credentials: [{ username: 'labs-trunk', password: PW.labs }],
        },
        {
          number: 'ACC-2001',
          name: 'Harbor Logistics',
          credentials: [
            { username: 'harbor-trunk', password: PW.harbor },
            { username: 'harbor-desk', password: 'Harbor-desk-0' },
          ],
        },
        { number: 'ACC-3001', name: 'Load Test Ltd', credentials: LOAD_USERS },
        // The grace window after a lift: an attacker holding both of its passwords.
        {
          number: 'ACC-1003',
          name: 'Grace Dental',
          credentials: [
            { username: 'grace-desk', password: PW.graceDesk },
            { username: 'grace-pbx', password: PW.gracePbx },
          ],
        },
        // Issue 13: numbers in every form a switch sees them, from US and Australian accounts.
        {
          number: 'ACC-1301',
          name: 'Numbers US (blocked)',
          country: 'US',
          internationalCalling: 'blocked',
          credentials: [{ username: 'num-us-blocked', password: PW.numbers }],
        },
        {
          number: 'ACC-1302',
          name: 'Numbers US',
          country: 'US',
          credentials: [{ username: 'num-us', password: PW.numbers }],
        },
        {
          number: 'ACC-1303',
          name: 'Numbers AU',
          country: 'AU',
          credentials: [{ username: 'num-au', password: PW.numbers }],
        },
      ],
      highRiskPrefixes: ['+252'],
      hotspotRanges: [`${HOTSPOT_IP}/32`, '198.51.100.0/24', '2001:db8:bad::/48'],
    },
  },
  (rig) => ({ work, sw, uas, receiver, obs } = rig),
);

describe('reference switch: storage', { timeout: 15_000 }, () => {
  test('the SQLite database is in WAL mode and holds ha1 only, never a clear-text password', () => {
    expect(String(obs.pragma('journal_mode', { simple: true })).toLowerCase()).toBe('wal');
    const cols = (
      obs.prepare("SELECT name FROM pragma_table_info('subscriber')").all() as { name: string }[]
    ).map((c) => c.name);
    expect(cols).not.toContain('password');
    const row = obs
      .prepare("SELECT ha1, account_number FROM subscriber WHERE username = 'acme-reception'")
      .get() as { ha1: string; account_number: string };
    expect(row.account_number).toBe('ACC-1001');
    expect(row.ha1).toBe(
      createHash('md5').update(`acme-reception:${sw.realm}:${PW.reception}`).digest('hex'),
    );
  });
});

describe('reference switch: REGISTER', { timeout: 20_000 }, () => {
  test('a wrong password is rejected (401) and leaves no registration', async () => {
    const r = await registerRejected('acme-reception', 'not-the-password');
    expect(r.code, r.output).toBe(0);
    expect(await registrations('acme-reception')).toEqual([]);
  });

  test('the right password registers (200) and GET registrations lists the SIPp contact', async () => {
    const r = await register('acme-reception', PW.reception);
    expect(r.code, r.output).toBe(0);
    const regs = await registrations('acme-reception');
    expect(regs).toHaveLength(1);
    expect(regs[0].contact).toBe(`sip:acme-reception@127.0.0.1:${r.localPort}`);
    expect(regs[0].sourceIp).toBe('127.0.0.1');
    expect(regs[0].userAgent).toBe('Tollgate-SIPp-Phone/1.0');
    const expires = Date.parse(regs[0].expiresAt);
    expect(expires).toBeGreaterThan(Date.now() + 200_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 301_000);
  });

  test('a credential cannot register another subscriber’s address', async () => {
    await refusedWithFirstPassword('register-rejected.xml', 'acme-pbx');
  });

  test('a writer holding the database lock delays a REGISTER instead of failing it', async () => {
    // Kamailio 5.6's db_sqlite has no busy timeout; kamailio.cfg sets one per process (route DBINIT).
    const writer = new Database(sw.dbPath);
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare("UPDATE accounts SET name = name WHERE number = 'ACC-1002'").run();
    const pending = register('labs-trunk', PW.labs);
    await sleep(600); // the lock is held while SIPp registers
    writer.exec('COMMIT');
    writer.close();
    const r = await pending;
    expect(r.code, r.output).toBe(0);
    expect(r.ms).toBeGreaterThan(400); // it really waited for the lock
    expect(await registrations('labs-trunk')).toHaveLength(1);
  });
});

describe('reference switch: a rotation racing a REGISTER', { timeout: 20_000 }, () => {
  // A rotation (PUT …/password: setSubscriberPassword, the companion's own code) writes the new ha1
  // and deletes the bindings under the database's write lock. A REGISTER whose digest was checked
  // against the old ha1 a moment before waits for that lock in save(), then wrote its binding: whoever
  // still had the old password (the reason for rotating) went on receiving the account's calls until
  // it expired (left alone since the thirty-fourth session). A writer holding the lock plays the race:
  // the REGISTER is checked while the lock is held, the rotation commits, the save follows.
  // A username with "@" too: its address of record is escaped (sip:race%40desk@…), and the first
  // version of the fix built an AOR Kamailio could not parse and removed nothing (review of 90bf45e).
  test.each([
    ['race-desk', 'ACC-1399'],
    ['race@desk', 'ACC-1398'],
  ])(
    'a REGISTER of %s checked against a password rotated before its save keeps no binding, and is challenged again',
    async (username, number) => {
      const [old, rotated] = ['Basalt-Lantern-77x', 'Quartz-Harbour-88y'];
      sw.provision({ accounts: [{ number, name: 'Race Ltd', credentials: [{ username, password: old }] }] });
      const service = username.replace('@', '%40');
      const attempt = (scenario: 'register.xml' | 'register-rejected.xml', password: string) =>
        sipp({ scenario, service, username, password });
      const writer = new Database(sw.dbPath);
      writer.exec('BEGIN IMMEDIATE');
      // SIPp's scenario succeeds only when the REGISTER with credentials is refused (401 or 403).
      const pending = attempt('register-rejected.xml', old);
      await sleep(600); // its digest is checked against the old ha1 (a read); its save waits for the lock
      try {
        expect(setSubscriberPassword(writer, sw.realm, username, rotated)).toBe(true);
        writer.exec('COMMIT');
      } finally {
        writer.close();
      }
      const r = await pending;
      expect(r.code, r.output).toBe(0);
      expect(await registrations(encodeURIComponent(username))).toEqual([]);
      expect(obs.prepare('SELECT count(*) AS c FROM location WHERE username = ?').get(username)).toEqual({
        c: 0,
      });
      // Refused by the re-check after the save, not before it (a wrong password never reaches save()).
      const log = () => readFileSync(path.join(sw.dataDir, 'kamailio.log'), 'utf8');
      await waitFor('the re-check’s log line', () =>
        log().includes(
          `REGISTER of ${username} from 127.0.0.1:${r.localPort} checked against a password rotated meanwhile`,
        ),
      );
      expect(log()).not.toContain(`REGISTER of ${username} from 127.0.0.1:${r.localPort} not saved`);
      // The new password registers at once; the old one no longer does.
      expect((await attempt('register.xml', rotated)).code).toBe(0);
      expect(await registrations(encodeURIComponent(username))).toHaveLength(1);
      expect((await attempt('register-rejected.xml', old)).code).toBe(0);
      expect(await registrations(encodeURIComponent(username))).toHaveLength(1);
    },
  );
});

describe('reference switch: concurrency', { timeout: 30_000 }, () => {
  test('REGISTER load and password rotations at the same time: no failed REGISTER, no failed rotation', async () => {
    let stop = false;
    const statuses: number[] = [];
    const rotations = (async () => {
      for (let i = 1; !stop; i++) {
        const r = await api('PUT', '/v1/sip-credentials/harbor-desk/password', {
          key: randomUUID(),
          body: { password: `Harbor-desk-${i}` },
        });
        statuses.push(r.status);
      }
    })();
    const load = await runSippRegisterLoad({
      users: LOAD_USERS,
      rate: 300,
      calls: 600,
      switchAddress: sw.sipAddress,
      cwd: work,
    });
    stop = true;
    await rotations;
    expect(load.code, load.output).toBe(0);
    expect(load.successful).toBe(600);
    expect(load.failed).toBe(0);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 204)).toEqual([]);
    expect(await registrations('load-7')).toHaveLength(1);
  });
});

describe('reference switch: API contract (CONTRACTS §3)', { timeout: 15_000 }, () => {
  const expectError = (r: { status: number; json?: unknown }, status: number, code: string) => {
    expect(r.status).toBe(status);
    const body = switchErrorBodySchema.parse(r.json);
    expect(body.error.code).toBe(code);
  };

  test('every endpoint needs the bearer token', async () => {
    expectError(await api('GET', '/v1/accounts/ACC-1001', { token: null }), 401, 'unauthorized');
    expectError(
      await api('GET', '/v1/accounts/ACC-1001', { token: 'wrong-token-wrong-token' }),
      401,
      'unauthorized',
    );
    expectError(
      await api('GET', '/v1/sip-credentials/acme-reception/registrations', { token: null }),
      401,
      'unauthorized',
    );
    expectError(
      await api('PUT', '/v1/sip-credentials/acme-reception/password', {
        token: null,
        key: randomUUID(),
        body: { password: 'x'.repeat(20) },
      }),
      401,
      'unauthorized',
    );
  });

  test('GET account answers the contract shape', async () => {
    const r = await api('GET', '/v1/accounts/ACC-1001');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json).toEqual({
      accountNumber: 'ACC-1001',
      internationalCalling: 'allowed',
      blockedAt: null,
      reason: null,
      allowances: [],
    });
  });

  test('validates paths, headers and bodies', async () => {
    const put = (body: unknown, extra: { key?: string | null; raw?: string; type?: string } = {}) =>
      api('PUT', '/v1/accounts/ACC-1002/international-calling', { key: randomUUID(), body, ...extra });
    const ok = { state: 'blocked', reason: 'manual', actor: 'test' };
    expectError(await api('GET', '/v1/accounts/ACC-9999'), 404, 'account_not_found');
    expectError(await api('GET', '/v1/accounts/not-an-account'), 400, 'invalid_account_number');
    expectError(
      await api('GET', '/v1/sip-credentials/nobody/registrations'),
      404,
      'sip_credential_not_found',
    );
    expectError(await api('GET', '/v1/nothing/here'), 404, 'not_found');
    expectError(await api('DELETE', '/v1/accounts/ACC-1001'), 405, 'method_not_allowed');
    expectError(await put(ok, { key: null }), 400, 'idempotency_key_missing');
    expectError(await put(ok, { key: 'not-a-uuid' }), 400, 'idempotency_key_invalid');
    expectError(await put(undefined, { raw: '{"state":' }), 400, 'malformed_json');
    expectError(
      await put(undefined, { raw: JSON.stringify(ok), type: 'text/plain' }),
      415,
      'unsupported_media_type',
    );
    expectError(await put({ ...ok, state: 'open' }), 400, 'invalid_body');
    expectError(await put({ ...ok, reason: '' }), 400, 'invalid_body');
    expectError(await put({ ...ok, actor: 'x'.repeat(201) }), 400, 'invalid_body');
    expectError(await put({ ...ok, extra: 1 }), 400, 'invalid_body');
    expectError(
      await put(undefined, { raw: JSON.stringify({ ...ok, reason: 'x'.repeat(20_000) }) }),
      413,
      'payload_too_large',
    );
    expectError(
      await api('PUT', '/v1/accounts/ACC-9999/international-calling', { key: randomUUID(), body: ok }),
      404,
      'account_not_found',
    );
    expectError(
      await api('PUT', '/v1/sip-credentials/acme-reception/password', {
        key: randomUUID(),
        body: { password: 'x'.repeat(129) },
      }),
      400,
      'invalid_body',
    );
    expectError(
      await api('PUT', '/v1/sip-credentials/nobody/password', {
        key: randomUUID(),
        body: { password: 'Some-long-pass-1' },
      }),
      404,
      'sip_credential_not_found',
    );
    // none of the rejected requests changed anything
    expect((await account('ACC-1002')).internationalCalling).toBe('allowed');
  });
});

describe('reference switch: calls and the toll block', { timeout: 20_000 }, () => {
  test('a national call is answered by the carrier (SIPp UAS)', async () => {
    const before = uas.invites().length;
    const r = await call('acme-reception', PW.reception, NATIONAL);
    expect(r.code, r.output).toBe(0);
    expect(await carrierInvites(before)).toEqual([
      expect.stringMatching(new RegExp(`^sip:\\${NATIONAL_E164}@`)),
    ]);
  });

  test('an INVITE without valid credentials is challenged and never routed', async () => {
    const before = uas.invites().length;
    const r = await callUnauthorized('acme-reception', 'wrong-password', NATIONAL);
    expect(r.code, r.output).toBe(0);
    expect(uas.invites().length).toBe(before);
  });

  test('+252… from an allowed account: 403, the switch places a block and sends a signed block.placed', async () => {
    const before = uas.invites().length;
    const t0 = Date.now();
    const r = await callRefused('acme-reception', PW.reception, SOMALIA);
    expect(r.code, r.output).toBe(0);
    expect(uas.invites().length).toBe(before);

    const acc = await account('ACC-1001');
    expect(acc.internationalCalling).toBe('blocked');
    expect(acc.reason).toBe('high_risk_destination');
    expect(Date.parse(acc.blockedAt ?? '')).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);

    const ev = await waitFor('the block.placed event', () =>
      deliveredEvents().find((e) => e.event.data.accountNumber === 'ACC-1001'),
    );
    expect(ev.contentType).toBe('application/json');
    expect(ev.verdict.ok).toBe(true);
    expect(ev.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const parsed = blockPlacedEventSchema.parse(JSON.parse(ev.raw));
    expect(parsed.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(parsed.data).toEqual({
      accountNumber: 'ACC-1001',
      reason: 'high_risk_destination',
      calls: [
        {
          at: expect.any(String),
          from: 'acme-reception',
          to: SOMALIA,
          sourceIp: '127.0.0.1',
          durationSec: 0,
        },
      ],
    });
    // a signature over a different body does not verify
    expect(verifySignature(SECRET, ev.raw.replace('ACC-1001', 'ACC-1002'), ev.signature).ok).toBe(false);
  });

  test('while blocked: every international call gets 403 (no second block), national calls still work', async () => {
    expect((await callRefused('acme-pbx', PW.pbx, '00441632960123')).code).toBe(0);
    expect((await callRefused('acme-pbx', PW.pbx, '00252611234567')).code).toBe(0);
    const r = await call('acme-pbx', PW.pbx, NATIONAL);
    expect(r.code, r.output).toBe(0);
    // A US number in E.164 is a national call from a US account (issue 13: it used to be refused).
    expect((await call('acme-reception', PW.reception, '+1-202-555-0143')).code).toBe(0);
    await sleep(200);
    expect(outboxCount('ACC-1001')).toBe(1);
    expect(deliveredEvents().filter((e) => e.event.data.accountNumber === 'ACC-1001')).toHaveLength(1);
  });

  test('a forged in-dialog INVITE (To-tag + Route, no credentials) is refused with 481, never relayed', async () => {
    const before = uas.invites().length;
    const r = await sipp({
      scenario: 'forged-reinvite.xml',
      service: SOMALIA,
      username: 'attacker',
      password: 'none',
      extraArgs: ['-key', 'carrier', uas.address],
    });
    expect(r.code, r.output).toBe(0);
    await sleep(200);
    expect(uas.invites().length).toBe(before);
  });

  test('caller-controlled SIP values cannot inject SQL: a crafted Call-ID blocks only the caller’s own account', async () => {
    // Tries to add a second fraud_hits row that would block ACC-1002.
    const evil = `x'), ('ACC-1002', 0, 'labs-trunk', '+252', '1.1.1.1', 0, '', 'high_risk_destination') -- "q\\-%u-%p@%s`;
    const r = await sipp({
      scenario: 'call-refused.xml',
      service: SOMALIA,
      username: LOAD_USERS[0].username,
      password: LOAD_USERS[0].password,
      extraArgs: ['-cid_str', evil],
    });
    expect(r.code, r.output).toBe(0);
    expect((await account('ACC-3001')).internationalCalling).toBe('blocked');
    expect((await account('ACC-1002')).internationalCalling).toBe('allowed');
    expect(
      obs.prepare("SELECT count(*) AS c FROM fraud_hits WHERE account_number = 'ACC-1002'").get(),
    ).toEqual({ c: 0 });
    const hit = obs.prepare("SELECT call_id FROM fraud_hits WHERE account_number = 'ACC-3001'").get() as {
      call_id: string;
    };
    expect(hit.call_id).toMatch(/^x___/);
    expect(hit.call_id).toMatch(/^[A-Za-z0-9@._:+-]+$/);
    await waitFor('the ACC-3001 event', () =>
      deliveredEvents().find((e) => e.event.data.accountNumber === 'ACC-3001'),
    );
  });

  test('another account is not affected: international calls from ACC-1002 go through, 00… as +E.164', async () => {
    const before = uas.invites().length;
    const r = await call('labs-trunk', PW.labs, '00441632960123');
    expect(r.code, r.output).toBe(0);
    expect(await carrierInvites(before)).toEqual([expect.stringMatching(/^sip:\+441632960123@/)]);
  });
});

describe(
  'reference switch: dialled numbers in every form, classified like the portal (issue 13)',
  { timeout: 30_000 },
  () => {
    const relayedAs = async (username: string, to: string) => {
      const before = uas.invites().length;
      const r = await call(username, PW.numbers, to);
      expect(r.code, `${to}: ${r.output}`).toBe(0);
      return (await carrierInvites(before))[0];
    };

    test('blocked US account: 011…, bare digits and NANP numbers outside the US are international and refused', async () => {
      for (const to of [
        '011252611234567',
        '252611234567',
        '00252611234567',
        '18765550123',
        '18095550123',
        '+18095550123',
        '+14165550123',
      ]) {
        const before = uas.invites().length;
        expect((await callRefused('num-us-blocked', PW.numbers, to)).code, to).toBe(0);
        expect(uas.invites().length, to).toBe(before);
      }
    });

    test('blocked US account: domestic numbers in E.164, national and with the trunk prefix are relayed', async () => {
      expect(await relayedAs('num-us-blocked', '+12125550123')).toMatch(/^sip:\+12125550123@/);
      expect(await relayedAs('num-us-blocked', '2125550123')).toMatch(/^sip:\+12125550123@/);
      expect(await relayedAs('num-us-blocked', '12125550123')).toMatch(/^sip:\+12125550123@/);
    });

    test('allowed US account: 011 + a high-risk prefix blocks the account and reports the call in E.164', async () => {
      expect(await relayedAs('num-us', '011441632960123')).toMatch(/^sip:\+441632960123@/);
      expect((await callRefused('num-us', PW.numbers, '011252611234567')).code).toBe(0);
      const acc = await account('ACC-1302');
      expect(acc).toMatchObject({ internationalCalling: 'blocked', reason: 'high_risk_destination' });
      const ev = await waitFor('the ACC-1302 event', () =>
        deliveredEvents().find((e) => e.event.data.accountNumber === 'ACC-1302'),
      );
      expect(blockPlacedEventSchema.parse(JSON.parse(ev.raw)).data.calls).toEqual([
        expect.objectContaining({ from: 'num-us', to: SOMALIA }),
      ]);
    });

    test('Australian account: 0011 and 0014 are its IDD prefixes, 0… is national', async () => {
      expect(await relayedAs('num-au', '0212345678')).toMatch(/^sip:\+61212345678@/);
      expect(await relayedAs('num-au', '0011441632960123')).toMatch(/^sip:\+441632960123@/);
      expect(await relayedAs('num-au', '0014441632960123')).toMatch(/^sip:\+441632960123@/);
      expect((await callRefused('num-au', PW.numbers, '0011252611234567')).code).toBe(0);
      expect(await account('ACC-1303')).toMatchObject({
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
      });
      expect(obs.prepare("SELECT to_number FROM fraud_hits WHERE account_number = 'ACC-1303'").all()).toEqual(
        [{ to_number: SOMALIA }],
      );
    });
  },
);

describe('reference switch: rotating a SIP password', { timeout: 20_000 }, () => {
  test('PUT password: 204, idempotent, ends the registrations; the old password fails REGISTER, the new one works', async () => {
    expect(await registrations('acme-reception')).toHaveLength(1);
    const key = randomUUID();
    const first = await api('PUT', '/v1/sip-credentials/acme-reception/password', {
      key,
      body: { password: NEW_RECEPTION_PW },
    });
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    const changedAt = (
      obs
        .prepare("SELECT password_changed_at AS t FROM subscriber WHERE username = 'acme-reception'")
        .get() as { t: string }
    ).t;
    const replay = await api('PUT', '/v1/sip-credentials/acme-reception/password', {
      key,
      body: { password: NEW_RECEPTION_PW },
    });
    expect(replay.status).toBe(204);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await api('PUT', '/v1/sip-credentials/acme-reception/password', {
      key,
      body: { password: 'another-Password-77' },
    });
    expect(reused.status).toBe(422);
    expect(
      (
        obs
          .prepare("SELECT password_changed_at AS t FROM subscriber WHERE username = 'acme-reception'")
          .get() as { t: string }
      ).t,
    ).toBe(changedAt);

    // the device registered with the old password was unregistered by the rotation: its usrloc
    // binding (the AoR's row in `location`, usrloc db_mode 3) is gone, not merely hidden
    expect(await registrations('acme-reception')).toEqual([]);
    expect(obs.prepare("SELECT count(*) AS n FROM location WHERE username = 'acme-reception'").get()).toEqual(
      { n: 0 },
    );
    // REGISTER with the old password: 401, and no binding comes back
    await refusedWithFirstPassword('register-unauthorized.xml', 'acme-reception');
    const fresh = await register('acme-reception', NEW_RECEPTION_PW);
    expect(fresh.code, fresh.output).toBe(0);
    expect(await registrations('acme-reception')).toHaveLength(1);
    // the old password cannot place calls either
    expect((await callUnauthorized('acme-reception', PW.reception, NATIONAL)).code).toBe(0);
    expect((await call('acme-reception', NEW_RECEPTION_PW, NATIONAL)).code).toBe(0);
  });
});

describe('reference switch: lifting the block', { timeout: 20_000 }, () => {
  test('PUT international-calling applies once per Idempotency-Key', async () => {
    const lift = { state: 'allowed', reason: 'credentials rotated', actor: 'tollgate:policy' };
    const k1 = randomUUID();
    const first = await api('PUT', '/v1/accounts/ACC-1001/international-calling', { key: k1, body: lift });
    expect(first.status).toBe(200);
    expect(switchAccountSchema.parse(first.json)).toEqual({
      accountNumber: 'ACC-1001',
      internationalCalling: 'allowed',
      blockedAt: null,
      reason: null,
      allowances: [],
    });

    // staff block it again by hand (reason with quotes, a newline and non-ASCII survives the JSON)
    const note = 'Kunde sagt: "Fehlwahl"\nbitte prüfen ✓';
    const manual = await api('PUT', '/v1/accounts/ACC-1001/international-calling', {
      key: randomUUID(),
      body: { state: 'blocked', reason: note, actor: 'sam@tollgate.example' },
    });
    expect(manual.status).toBe(200);
    expect(manual.json).toMatchObject({ internationalCalling: 'blocked', reason: note });

    // a retry of the first request (same key) replays its answer and does not lift again
    const replay = await api('PUT', '/v1/accounts/ACC-1001/international-calling', { key: k1, body: lift });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(first.text);
    expect((await account('ACC-1001')).internationalCalling).toBe('blocked');
    const mismatch = await api('PUT', '/v1/accounts/ACC-1001/international-calling', {
      key: k1,
      body: { ...lift, actor: 'someone-else' },
    });
    expect(mismatch.status).toBe(422);
    expect(switchErrorBodySchema.parse(mismatch.json).error.code).toBe('idempotency_key_reused');

    const lifted = await api('PUT', '/v1/accounts/ACC-1001/international-calling', {
      key: randomUUID(),
      body: lift,
    });
    expect(lifted.status).toBe(200);
    expect((await account('ACC-1001')).internationalCalling).toBe('allowed');
  });

  test('after the lift, +252… is answered by the carrier (grace window) and places no new block', async () => {
    // The block lifted last is staff's manual one, placed after acme-reception's rotation: the window
    // waives the high-risk rule only for a credential whose password changed after the lifted block
    // (see 'the grace window after a lift' below), so the customer sets it once more.
    const rotated = await api('PUT', '/v1/sip-credentials/acme-reception/password', {
      key: randomUUID(),
      body: { password: NEW_RECEPTION_PW },
    });
    expect(rotated.status).toBe(204);
    const before = uas.invites().length;
    const r = await call('acme-reception', NEW_RECEPTION_PW, SOMALIA);
    expect(r.code, r.output).toBe(0);
    expect(await carrierInvites(before)).toEqual([expect.stringMatching(new RegExp(`^sip:\\${SOMALIA}@`))]);
    expect((await account('ACC-1001')).internationalCalling).toBe('allowed');
    expect(outboxCount('ACC-1001')).toBe(1);
    expect((await call('acme-pbx', PW.pbx, NATIONAL)).code).toBe(0);
  });

  test('a call from a hotspot source range: 403 and a hotspot_source_ip block, grace window or not', async () => {
    const r = await callRefused('acme-pbx', PW.pbx, NATIONAL, HOTSPOT_IP);
    expect(r.code, r.output).toBe(0);
    const acc = await account('ACC-1001');
    expect(acc).toMatchObject({ internationalCalling: 'blocked', reason: 'hotspot_source_ip' });
    const ev = await waitFor('the hotspot block.placed event', () =>
      deliveredEvents().find(
        (e) => e.event.data.accountNumber === 'ACC-1001' && e.event.data.reason === 'hotspot_source_ip',
      ),
    );
    expect(ev.verdict.ok).toBe(true);
    expect(blockPlacedEventSchema.parse(JSON.parse(ev.raw)).data.calls).toEqual([
      { at: expect.any(String), from: 'acme-pbx', to: NATIONAL_E164, sourceIp: HOTSPOT_IP, durationSec: 0 },
    ]);
    // the same phone from its usual network: national calls still work, international ones do not
    expect((await call('acme-pbx', PW.pbx, NATIONAL)).code).toBe(0);
    expect((await callRefused('acme-pbx', PW.pbx, SOMALIA)).code).toBe(0);
  });
});

// The portal lifts a block once every credential its calls name has a new password (DESIGN.md), and
// a block names only the call that fired the rule, so the attacker may hold another credential of the
// account. Until 2026-12 the window after any lift waived the high-risk rule for every credential:
// +252… through the one nobody rotated reached the carrier for 24 h, with no fraud hit and no block.
describe('reference switch: the grace window after a lift', { timeout: 20_000 }, () => {
  const placedFor = (n: string) =>
    deliveredEvents()
      .filter((e) => e.event.type === 'block.placed' && e.event.data.accountNumber === n)
      .map((e) => ({ ...e, parsed: blockPlacedEventSchema.parse(JSON.parse(e.raw)) }))
      .filter((e, i, all) => all.findIndex((x) => x.event.id === e.event.id) === i);

  test('waives the high-risk rule for the credential rotated since the lifted block only: another one blocks again, named', async () => {
    // The attacker dials +252… through grace-desk: 403, a block naming grace-desk alone.
    const fired = await callRefused('grace-desk', PW.graceDesk, SOMALIA);
    expect(fired.code, fired.output).toBe(0);
    expect(await account('ACC-1003')).toMatchObject({
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
    });
    const first = await waitFor('the first block.placed', () => placedFor('ACC-1003')[0]);
    expect(first.parsed.data.calls).toEqual([expect.objectContaining({ from: 'grace-desk', to: SOMALIA })]);

    // The customer rotates grace-desk, as the block page asks; the portal's policy lifts the block.
    const rotated = await api('PUT', '/v1/sip-credentials/grace-desk/password', {
      key: randomUUID(),
      body: { password: NEW_GRACE_DESK_PW },
    });
    expect(rotated.status).toBe(204);
    const lifted = await api('PUT', '/v1/accounts/ACC-1003/international-calling', {
      key: randomUUID(),
      body: { state: 'allowed', reason: 'credentials rotated', actor: 'tollgate:policy' },
    });
    expect(lifted.status).toBe(200);

    // Through the rotated credential, the window waives the rule: the carrier answers, no fraud hit.
    const before = uas.invites().length;
    const passed = await call('grace-desk', NEW_GRACE_DESK_PW, SOMALIA);
    expect(passed.code, passed.output).toBe(0);
    expect(await carrierInvites(before)).toEqual([expect.stringMatching(new RegExp(`^sip:\\${SOMALIA}@`))]);
    expect((await account('ACC-1003')).internationalCalling).toBe('allowed');
    const hits = () =>
      obs
        .prepare(
          "SELECT from_user, to_number, reason FROM fraud_hits WHERE account_number = 'ACC-1003' ORDER BY id",
        )
        .all();
    expect(hits()).toEqual([
      { from_user: 'grace-desk', to_number: SOMALIA, reason: 'high_risk_destination' },
    ]);

    // Through grace-pbx, whose password the attacker still has: 403, never relayed, a fraud hit that
    // blocks the account again, and a block.placed naming grace-pbx for the portal to ask it rotated.
    const invitesBefore = uas.invites().length;
    const refused = await callRefused('grace-pbx', PW.gracePbx, SOMALIA);
    expect(refused.code, refused.output).toBe(0);
    expect(await account('ACC-1003')).toMatchObject({
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
    });
    expect(hits()).toEqual([
      { from_user: 'grace-desk', to_number: SOMALIA, reason: 'high_risk_destination' },
      { from_user: 'grace-pbx', to_number: SOMALIA, reason: 'high_risk_destination' },
    ]);
    const second = await waitFor('the second block.placed', () => placedFor('ACC-1003')[1]);
    expect(second.verdict.ok).toBe(true);
    expect(second.parsed.data).toEqual({
      accountNumber: 'ACC-1003',
      reason: 'high_risk_destination',
      calls: [
        { at: expect.any(String), from: 'grace-pbx', to: SOMALIA, sourceIp: '127.0.0.1', durationSec: 0 },
      ],
    });
    expect(uas.invites().length).toBe(invitesBefore);
  });
});

describe('reference switch: a slow Tollgate', { timeout: 30_000 }, () => {
  test('never holds a SIP call: events wait in the outbox and are retried with the same id', async () => {
    receiver.setMode('hang');
    const attemptsBefore = receiver.received.length;
    const refused = await callRefused('harbor-trunk', PW.harbor, SOMALIA);
    expect(refused.code, refused.output).toBe(0);
    expect(refused.ms).toBeLessThan(1_500);
    expect((await account('ACC-2001')).internationalCalling).toBe('blocked');
    // Tollgate is now holding the delivery open (the companion gives up after 2.5 s); calls are not affected
    await waitFor('a delivery attempt to the hung receiver', () => receiver.received.length > attemptsBefore);
    const national = await call('harbor-trunk', PW.harbor, NATIONAL);
    expect(national.code, national.output).toBe(0);
    expect(national.ms).toBeLessThan(1_500);

    receiver.setMode('fail');
    await waitFor('a retry answered 503', () => receiver.received.length > attemptsBefore + 1, 6_000);
    receiver.setMode('ok');
    await waitFor(
      'delivery of the harbor event',
      () =>
        (
          obs.prepare("SELECT delivered_at FROM outbox WHERE account_number = 'ACC-2001'").get() as {
            delivered_at: number | null;
          }
        ).delivered_at,
      10_000,
    );
    const attempts = deliveredEvents()
      .slice(attemptsBefore)
      .filter((e) => e.event.data.accountNumber === 'ACC-2001');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(attempts.map((a) => a.event.id)).size).toBe(1); // one event, retried
    expect(new Set(attempts.map((a) => a.raw)).size).toBe(1); // byte-identical body
    expect(attempts.every((a) => a.verdict.ok)).toBe(true);
  });
});

describe('reference switch: process', { timeout: 15_000 }, () => {
  test('stop() ends Kamailio and all its children', async () => {
    const pid = sw.kamailioPid;
    const group = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(group()).toBe(true);
    obs.close();
    await sw.stop();
    expect(group()).toBe(false);
    // stop() is idempotent (afterAll calls it again)
    await sw.stop();
    obs = new Database(':memory:');
  });
});

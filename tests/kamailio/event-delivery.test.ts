// Event delivery from the reference switch to Tollgate (CONTRACTS §4) when many events keep failing.
// Tollgate answers 404 for accounts it does not know yet, and the switch retries those events by
// design. The companion used to read the oldest 100 undelivered rows of the whole outbox, so 100 such
// rows hid every later event from every other account: a fraud block placed by Kamailio (SIPp) and a
// NOC's block.lifted, which Tollgate's reconciler then undid. Each account's own events must still
// go out in order. Nothing here is skipped (see harness.ts).
//
// An event Tollgate refuses for good (its error body with a final code) is abandoned at once, so it
// no longer holds back its account's later events for the 3 days of retries; every other answer is
// retried, a proxy's 400 among them. The CLI refuses an
// `--actor` a block.lifted cannot carry (1–200 characters, no control characters), and leaves the
// dialling tables to `start`.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { switchEventSchema } from '../../lib/switch/events-schema';
import { setInternationalCalling } from '../../switch/kamailio/src/accounts';
import { createDatabase, openDb, SWITCH_DIR, type Db } from '../../switch/kamailio/src/db';
import { startDelivery, type Deliverer } from '../../switch/kamailio/src/events';
import { provision } from '../../switch/kamailio/src/provision';
import { runSipp, waitFor } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Events-desk-initial-5150';
/** Accounts the switch has and Tollgate does not know yet: more than one delivery cycle's 100 rows. */
const UNKNOWN = Array.from({ length: 120 }, (_, i) => `ACC-27${String(i).padStart(3, '0')}`);

let work: string;
let sw: SwitchRig['sw'];
let receiver: SwitchRig['receiver'];
let obs: SwitchRig['obs'];

referenceSwitchPerFile(
  {
    name: 'events',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        {
          number: 'ACC-2601',
          name: 'Events Fraud Co',
          credentials: [{ username: 'events-desk', password: PW }],
        },
        { number: 'ACC-2602', name: 'Events NOC Co', internationalCalling: 'blocked', credentials: [] },
        { number: 'ACC-2603', name: 'Events CLI Co', internationalCalling: 'blocked', credentials: [] },
        ...UNKNOWN.map((number) => ({ number, name: 'Not in Tollgate yet', credentials: [] })),
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (rig) => ({ work, sw, receiver, obs } = rig),
);

/** What the provider's NOC does with `run.sh block` / `run.sh lift` (src/cli.ts): Tollgate gets an event. */
function noc(account: string, state: 'blocked' | 'allowed') {
  setInternationalCalling(sw.db, account, {
    state,
    reason: 'manual',
    actor: 'noc-alice',
    source: 'cli',
    graceSeconds: 0,
    emitEvent: true,
    eventReason: 'manual',
  });
  sw.kickDelivery();
}

/** The event types of the delivery attempts Tollgate saw for `account`, in order. */
const attemptsFor = (account: string) =>
  receiver.received
    .map((r) => JSON.parse(r.raw) as { type: string; data: { accountNumber: string } })
    .filter((e) => e.data.accountNumber === account)
    .map((e) => e.type);
const delivered = (account: string, type: string) =>
  obs
    .prepare(
      'SELECT delivered_at FROM outbox WHERE account_number = ? AND type = ? AND delivered_at IS NOT NULL',
    )
    .get(account, type) !== undefined;

describe('reference switch: events behind many failing ones (CONTRACTS §4)', { timeout: 30_000 }, () => {
  test('120 events answered 404 hold neither a fraud block’s event nor a NOC’s lift; one account’s events stay in order', async () => {
    for (const n of UNKNOWN) receiver.unknownAccounts.add(n);
    for (const n of UNKNOWN) noc(n, 'blocked');
    // the oldest one also gets its lift, queued behind its block.placed
    noc(UNKNOWN[0]!, 'allowed');
    await waitFor(
      '100 events answered 404 and waiting for their retry',
      () =>
        (
          obs
            .prepare('SELECT count(*) AS n FROM outbox WHERE last_status = 404 AND delivered_at IS NULL')
            .get() as { n: number }
        ).n >= 100,
      10_000,
    );

    // Kamailio blocks an allowed account for a call to +252 and queues its block.placed (the trigger)
    const r = await runSipp({
      scenario: 'call-refused.xml',
      service: '+252611234567',
      username: 'events-desk',
      password: PW,
      switchAddress: sw.sipAddress,
      cwd: work,
    });
    expect(r.code, r.output).toBe(0);
    // and the NOC lifts another account by hand
    noc('ACC-2602', 'allowed');
    await waitFor('the fraud block’s event', () => delivered('ACC-2601', 'block.placed'), 5_000);
    await waitFor('the NOC’s block.lifted', () => delivered('ACC-2602', 'block.lifted'), 5_000);

    // Tollgate learns the first unknown account: its block.placed goes first, then its lift.
    receiver.unknownAccounts.delete(UNKNOWN[0]!);
    await waitFor('the late account’s lift', () => delivered(UNKNOWN[0]!, 'block.lifted'), 5_000);
    // every attempt of its block.placed (404s, then the 200) came before the first of its lift
    const types = attemptsFor(UNKNOWN[0]!);
    expect(types.indexOf('block.placed')).toBe(0);
    expect(types.indexOf('block.lifted')).toBeGreaterThan(types.lastIndexOf('block.placed'));
    // every account that is still unknown keeps being retried, never given up or skipped past
    expect(
      (
        obs
          .prepare(
            'SELECT count(DISTINCT account_number) AS n FROM outbox WHERE delivered_at IS NULL AND attempts > 0',
          )
          .get() as { n: number }
      ).n,
    ).toBe(UNKNOWN.length - 1);
  });
});

/** One event as a stand-in Tollgate saw it. */
type Seen = { type: string; accountNumber: string; actor?: string };

/** An HTTP answer of the stand-in: status, Content-Type, body. */
type Answer = { status: number; type: string; body: string };

/** Tollgate's answer: its error body (`{"error":{"code","message"}}`, CONTRACTS §4). */
const tollgate = (status: number, code: string, message: string): Answer => ({
  status,
  type: 'application/json',
  body: JSON.stringify({ error: { code, message } }),
});

/** nginx's own error page (ngx_http_special_response.c), as it answers before any proxying. */
const nginx = (status: number, title: string, extra = ''): Answer => ({
  status,
  type: 'text/html',
  body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n${extra}<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
});

/**
 * Answers to one account's first event (its block.placed), by account; every other event is
 * answered 200. FINAL: Tollgate's codes that no resend changes (lib/blocks/ingest.ts). RETRIED:
 * everything else, the same statuses from a proxy in between among them (review 6: nginx answers 400
 * to plain HTTP sent to its HTTPS port, so `--events-url http://tollgate:443/…` lost every event).
 */
const FINAL: Record<string, Answer> = {
  'ACC-3400U': tollgate(400, 'not_utf8', 'the body is not valid UTF-8 (RFC 8259 §8.1); send JSON as UTF-8'),
  'ACC-3400J': tollgate(400, 'malformed_json', 'the body is not JSON'),
  'ACC-3400E': tollgate(400, 'invalid_event', 'data.reason: Invalid option'),
  'ACC-3413': tollgate(413, 'too_large', 'event bodies are limited to 1 MiB'),
  'ACC-3415': tollgate(415, 'unsupported_encoding', 'Content-Encoding gzip is not accepted'),
  // A clock that stepped back after the event was written: final too (see REFUSED_FOR_GOOD).
  'ACC-3400F': tollgate(
    400,
    'occurred_in_future',
    "occurredAt: later than the signature time t + 300 s (a clock behind, or a local time written with Z); not applied: fix the sender's clock or zone, and do not send this event again",
  ),
};
const RETRIED: Record<string, Answer> = {
  'ACC-3401': tollgate(401, 'bad_signature', 'signature mismatch'),
  'ACC-3404': tollgate(404, 'unknown_account', 'no account ACC-3404'),
  'ACC-3429': tollgate(429, 'rate_limited', 'slow down'),
  'ACC-3503': tollgate(503, 'switch_state_unavailable', 'send it again later'),
  'ACC-3400H': nginx(
    400,
    'The plain HTTP request was sent to HTTPS port',
    '<center>The plain HTTP request was sent to HTTPS port</center>\r\n',
  ),
  'ACC-3400C': nginx(
    400,
    'Request Header Or Cookie Too Large',
    '<center>Request Header Or Cookie Too Large</center>\r\n',
  ),
  'ACC-3413N': nginx(413, 'Request Entity Too Large'),
  'ACC-3415P': { status: 415, type: 'text/plain', body: 'Unsupported Media Type' },
  // JSON, but not Tollgate's error body (an API gateway's), and Tollgate's body with a code this
  // switch does not know as final (a newer Tollgate's): neither is a reason to lose the event.
  'ACC-3400G': { status: 400, type: 'application/json', body: '{"message":"Bad Request","statusCode":400}' },
  'ACC-3400N': tollgate(400, 'some_future_code', 'a code from a newer Tollgate'),
};

describe(
  'reference switch: which answers end an event (docs/switch-api.md part 2)',
  { timeout: 30_000 },
  () => {
    /** Answer to the block.placed of an account; absent: 200. */
    const answerFor = new Map<string, Answer>();
    const seen: Seen[] = [];
    const lines: string[] = [];
    let dir: string;
    let db: Db;
    let server: http.Server;
    let deliverer: Deliverer;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            type: string;
            data: { accountNumber: string; actor?: string };
          };
          seen.push({ type: e.type, ...e.data });
          const answer = e.type === 'block.placed' ? answerFor.get(e.data.accountNumber) : undefined;
          if (answer === undefined)
            res
              .writeHead(200, { 'Content-Type': 'application/json' })
              .end('{"received":true,"duplicate":false}');
          else res.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      dir = mkdtempSync(path.join(tmpdir(), 'tollgate-answers-'));
      const dbPath = path.join(dir, 'switch.db');
      createDatabase(dbPath, { dialTables: false });
      db = openDb(dbPath);
      const accounts = [...Object.keys(FINAL), ...Object.keys(RETRIED)];
      provision(db, 'answers.test', {
        accounts: accounts.map((number) => ({ number, name: `Answer ${number}`, credentials: [] })),
      });
      for (const [account, answer] of Object.entries({ ...FINAL, ...RETRIED }))
        answerFor.set(account, answer);
      // Each account: the NOC blocks it, then lifts it; the lift waits for the block's event.
      for (const account of accounts)
        for (const state of ['blocked', 'allowed'] as const)
          setInternationalCalling(db, account, {
            state,
            reason: 'manual',
            actor: 'noc-bob',
            source: 'cli',
            graceSeconds: 0,
            emitEvent: true,
            eventReason: 'manual',
          });
      const { port } = server.address() as net.AddressInfo;
      deliverer = startDelivery(db, {
        eventsUrl: `http://127.0.0.1:${port}/api/switch/events`,
        webhookSecret: `whsec-${randomUUID()}`,
        pollIntervalMs: 20,
        timeoutMs: 2_000,
        retryBaseMs: 50,
        retryMaxMs: 200,
        log: (line) => lines.push(line),
      });
    });

    afterAll(async () => {
      await deliverer?.stop();
      db?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const row = (account: string, type: string) =>
      db
        .prepare(
          'SELECT attempts, delivered_at, abandoned_at, last_status, last_error FROM outbox WHERE account_number = ? AND type = ?',
        )
        .get(account, type) as {
        attempts: number;
        delivered_at: number | null;
        abandoned_at: number | null;
        last_status: number | null;
        last_error: string | null;
      };
    const attempts = (account: string, type: string) =>
      seen.filter((e) => e.accountNumber === account && e.type === type).length;

    test('Tollgate’s final codes (400 not_utf8, malformed_json, invalid_event, occurred_in_future; 413 too_large; 415 unsupported_encoding) abandon the event at once, logged with Tollgate’s reason, and the account’s lift goes next', async () => {
      for (const account of Object.keys(FINAL))
        await waitFor(
          `the lift behind ${account}'s refused block`,
          () => row(account, 'block.lifted').delivered_at !== null,
          5_000,
        );
      for (const [account, answer] of Object.entries(FINAL)) {
        const placed = row(account, 'block.placed');
        const { code, message } = (JSON.parse(answer.body) as { error: { code: string; message: string } })
          .error;
        expect(placed).toMatchObject({ attempts: 1, delivered_at: null, last_status: answer.status });
        expect(placed.abandoned_at).not.toBeNull();
        expect(placed.last_error).toBe(`HTTP ${answer.status} ${code}: ${message}`);
        expect(attempts(account, 'block.placed')).toBe(1);
        expect(
          lines.some((l) =>
            l.includes(`block.placed ${account}) refused by Tollgate (HTTP ${answer.status}`),
          ),
        ).toBe(true);
      }
      // A clock fault says what to mend; the others do not name the clock.
      const gaveUp = (account: string) =>
        lines.find((l) => l.includes(`block.placed ${account}) refused`)) ?? '';
      expect(gaveUp('ACC-3400F')).toContain('Check this host’s clock (NTP)');
      expect(gaveUp('ACC-3400E')).not.toContain('NTP');
    });

    test('every other answer is retried, a proxy’s 400, 413 and 415 among them, holding the account’s lift back until the event is taken', async () => {
      for (const account of Object.keys(RETRIED))
        await waitFor(`three attempts for ${account}`, () => attempts(account, 'block.placed') >= 3, 5_000);
      for (const [account, answer] of Object.entries(RETRIED)) {
        expect(row(account, 'block.placed'), account).toMatchObject({
          abandoned_at: null,
          delivered_at: null,
          last_status: answer.status,
        });
        expect(attempts(account, 'block.lifted'), account).toBe(0);
      }
      const retryLine = (account: string) =>
        lines.find((l) => l.includes(`(block.placed ${account}) attempt`)) ?? '';
      expect(retryLine('ACC-3401')).toContain('check SWITCH_WEBHOOK_SECRET');
      expect(retryLine('ACC-3404')).toContain('Tollgate has no account ACC-3404');
      for (const account of ['ACC-3400H', 'ACC-3400C', 'ACC-3413N', 'ACC-3415P', 'ACC-3400G'])
        expect(retryLine(account), account).toContain(
          'not Tollgate’s answer but a proxy’s: check --events-url',
        );
      expect(row('ACC-3400H', 'block.placed').last_error).toBe('HTTP 400');

      answerFor.clear(); // the URL, the secret, the proxy and the clock fixed, the account created
      for (const account of Object.keys(RETRIED))
        await waitFor(
          `the lift after ${account}'s block`,
          () => row(account, 'block.lifted').delivered_at !== null,
          5_000,
        );
      for (const account of Object.keys(RETRIED)) {
        expect(row(account, 'block.placed').delivered_at, account).not.toBeNull();
        const order = seen.filter((e) => e.accountNumber === account).map((e) => e.type);
        expect(order.indexOf('block.lifted')).toBe(order.length - 1);
        expect(order.lastIndexOf('block.placed')).toBe(order.length - 2);
      }
    });
  },
);

describe('reference switch CLI: --actor (switch/kamailio/src/cli.ts)', { timeout: 60_000 }, () => {
  const tsx = path.join(SWITCH_DIR, '..', '..', 'node_modules', '.bin', 'tsx');
  const cli = (...args: string[]) =>
    spawnSync(tsx, [path.join(SWITCH_DIR, 'src', 'cli.ts'), ...args, '--data-dir', sw.dataDir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  const queued = () =>
    (obs.prepare("SELECT count(*) AS n FROM outbox WHERE account_number = 'ACC-2603'").get() as { n: number })
      .n;

  test.each([
    ['empty', '', /it is empty/],
    ['blank', '   ', /it is empty/],
    ['201 characters', 'x'.repeat(201), /it is 201 characters long/],
    ['a control character', 'noc\u0007bob', /control character U\+0007/],
    ['a line break', 'noc\nbob', /control character U\+000A/],
  ])('refuses an actor that is %s, changing nothing', (_name, actor, why) => {
    const r = cli('lift', '--account', 'ACC-2603', '--actor', actor);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --actor must be 1–200 characters without control characters/);
    expect(r.stderr).toMatch(why);
    expect(queued()).toBe(0);
    expect(
      (
        obs.prepare("SELECT intl_state FROM accounts WHERE number = 'ACC-2603'").get() as {
          intl_state: string;
        }
      ).intl_state,
    ).toBe('blocked');
  });

  test('lifts with an actor of 200 characters, which Tollgate keeps as sent', async () => {
    const actor = `noc:${'j'.repeat(196)}`;
    const r = cli('lift', '--account', 'ACC-2603', '--actor', ` ${actor} `);
    expect(r.status, r.stderr).toBe(0);
    sw.kickDelivery();
    const lift = await waitFor(
      'the CLI’s block.lifted',
      () =>
        receiver.received
          .map((e) => JSON.parse(e.raw) as { type: string; data: { accountNumber: string } })
          .find((e) => e.type === 'block.lifted' && e.data.accountNumber === 'ACC-2603'),
      5_000,
    );
    expect(switchEventSchema.parse(lift)).toMatchObject({ data: { accountNumber: 'ACC-2603', actor } });
  });
});

// Review (8): every command ran createDatabase, which recomputes the dialling tables (about 1.5 s of
// CPU for 58 216 number ranges) and rewrites them on the live database under its write lock, `status`
// included, which operators poll for alerting. Only `start` builds them now; `status` writes nothing.
describe(
  'reference switch CLI: the dialling tables are start’s (switch/kamailio/src/cli.ts)',
  { timeout: 60_000 },
  () => {
    const tsx = path.join(SWITCH_DIR, '..', '..', 'node_modules', '.bin', 'tsx');
    let dir: string;
    const dataDir = () => path.join(dir, 'switch');
    const cli = (args: string[], input?: string, data = dataDir()) =>
      spawnSync(tsx, [path.join(SWITCH_DIR, 'src', 'cli.ts'), ...args, '--data-dir', data], {
        encoding: 'utf8',
        input,
        timeout: 30_000,
      });
    /** Rows no libphonenumber table has: a rebuild of the tables deletes them. */
    const MARKERS = {
      range: ['number_ranges', 'SELECT 1 FROM number_ranges WHERE length = 99 AND prefix = ?', '+999'],
      emergency: [
        'emergency_numbers',
        "SELECT 1 FROM emergency_numbers WHERE country = 'ZZ' AND number = ?",
        '99999',
      ],
    } as const;

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-'));
      mkdirSync(dataDir());
      const dbPath = path.join(dataDir(), 'switch.db');
      createDatabase(dbPath); // as `start` does: the dialling tables built
      const db = openDb(dbPath);
      try {
        provision(db, 'tollgate.test', {
          accounts: [
            {
              number: 'ACC-2801',
              name: 'Tables Co',
              credentials: [{ username: 'tables-desk', password: 'Tables-desk-initial-5150' }],
            },
          ],
        });
        db.prepare("INSERT INTO number_ranges (length, prefix, region) VALUES (99, '+999', 'ZZ')").run();
        db.prepare("INSERT INTO emergency_numbers (country, number) VALUES ('ZZ', '99999')").run();
      } finally {
        db.close();
      }
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('status reads the database and commits nothing to it', () => {
      const probe = openDb(path.join(dataDir(), 'switch.db'));
      try {
        const version = () => probe.pragma('data_version', { simple: true }) as number;
        const before = version();
        const r = cli(['status']);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('ACC-2801\tallowed');
        expect(r.stdout).toContain('events waiting for delivery: 0');
        // PRAGMA data_version changes when another connection commits to the database.
        expect(version()).toBe(before);
      } finally {
        probe.close();
      }
    });

    test('block, lift, set-password and provision change what they name and leave the dialling tables as start wrote them', () => {
      const spec = path.join(dir, 'accounts.json');
      writeFileSync(
        spec,
        JSON.stringify({ accounts: [{ number: 'ACC-2802', name: 'Later Co', credentials: [] }] }),
      );
      for (const [args, input] of [
        [['block', '--account', 'ACC-2801', '--actor', 'noc-carol']],
        [['lift', '--account', 'ACC-2801', '--actor', 'noc-carol']],
        [['set-password', '--username', 'tables-desk'], 'Tables-desk-rotated-6160'],
        [['provision', '--file', spec]],
      ] as [string[], string?][]) {
        const r = cli(args, input);
        expect(r.status, `${args[0]}: ${r.stderr}`).toBe(0);
      }
      const db = openDb(path.join(dataDir(), 'switch.db'));
      try {
        expect(
          db.prepare("SELECT type FROM outbox WHERE account_number = 'ACC-2801' ORDER BY seq").all(),
        ).toEqual([{ type: 'block.placed' }, { type: 'block.lifted' }]);
        expect(db.prepare("SELECT name FROM accounts WHERE number = 'ACC-2802'").get()).toEqual({
          name: 'Later Co',
        });
        for (const [table, sql, key] of Object.values(MARKERS))
          expect(db.prepare(sql).get(key), `${table} was rewritten`).toEqual({ 1: 1 });
        // The tables start built are all still there.
        expect(
          (db.prepare('SELECT count(*) AS n FROM number_ranges').get() as { n: number }).n,
        ).toBeGreaterThan(50_000);
      } finally {
        db.close();
      }
    });

    test('status of a data directory without a database exits 2 and creates nothing', () => {
      // A wrong --data-dir that exists: status made an empty database there and reported all clear.
      const empty = path.join(dir, 'no-switch-here');
      mkdirSync(empty);
      const r = cli(['status'], undefined, empty);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /^error: no switch database at .*no-switch-here\/switch\.db: check --data-dir/,
      );
      expect(existsSync(path.join(empty, 'switch.db'))).toBe(false);
    });

    test('provision creates a missing database, which status then reads', () => {
      const fresh = path.join(dir, 'fresh');
      mkdirSync(fresh);
      const spec = path.join(dir, 'fresh.json');
      writeFileSync(
        spec,
        JSON.stringify({ accounts: [{ number: 'ACC-2803', name: 'First Co', credentials: [] }] }),
      );
      const p = cli(['provision', '--file', spec], undefined, fresh);
      expect(p.status, p.stderr).toBe(0);
      const r = cli(['status'], undefined, fresh);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('ACC-2803\tallowed');
    });
  },
);

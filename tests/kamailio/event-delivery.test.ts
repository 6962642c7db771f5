// Event delivery from the reference switch to Tollgate (CONTRACTS §4) when many events keep failing.
// Tollgate answers 404 for accounts it does not know yet, and the switch retries those events by
// design. The companion used to read the oldest 100 undelivered rows of the whole outbox, so 100 such
// rows hid every later event from every other account: a fraud block placed by Kamailio (SIPp) and a
// NOC's block.lifted, which Tollgate's reconciler then undid. Each account's own events must still
// go out in order. Nothing here is skipped (see harness.ts).
//
// An event Tollgate refuses for good (400, 413, 415) is abandoned at once, so it no longer holds back
// its account's later events for the 3 days of retries; 401, 404, 429 and 5xx are retried. The CLI
// refuses an `--actor` a block.lifted cannot carry (1–200 characters, no control characters).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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

/**
 * Tollgate's answers to the events of one account's first event (its block.placed), with the error
 * body Tollgate sends (CONTRACTS §4); every other event is answered 200. Read on every request.
 */
const TOLLGATE_ANSWERS: Record<number, { code: string; message: string }> = {
  400: { code: 'invalid_event', message: 'occurredAt: later than the signature time t + 300 s' },
  401: { code: 'bad_signature', message: 'signature mismatch' },
  404: { code: 'unknown_account', message: 'no account' },
  413: { code: 'too_large', message: 'event bodies are limited to 1 MiB' },
  415: { code: 'unsupported_encoding', message: 'Content-Encoding gzip is not accepted' },
  429: { code: 'rate_limited', message: 'slow down' },
  503: { code: 'switch_state_unavailable', message: 'send it again later' },
};

describe(
  'reference switch: which answers end an event (docs/switch-api.md part 2)',
  { timeout: 30_000 },
  () => {
    const FINAL = [400, 413, 415];
    const RETRIED = [401, 404, 429, 503];
    const accountFor = (status: number) => `ACC-3${status}`;
    /** Status answered to the block.placed of an account; absent: 200. */
    const answerFor = new Map<string, number>();
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
          const status = e.type === 'block.placed' ? answerFor.get(e.data.accountNumber) : undefined;
          if (status === undefined)
            res
              .writeHead(200, { 'Content-Type': 'application/json' })
              .end('{"received":true,"duplicate":false}');
          else
            res
              .writeHead(status, { 'Content-Type': 'application/json' })
              .end(JSON.stringify({ error: TOLLGATE_ANSWERS[status] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      dir = mkdtempSync(path.join(tmpdir(), 'tollgate-answers-'));
      const dbPath = path.join(dir, 'switch.db');
      createDatabase(dbPath);
      db = openDb(dbPath);
      provision(db, 'answers.test', {
        accounts: [...FINAL, ...RETRIED].map((s) => ({
          number: accountFor(s),
          name: `Answer ${s}`,
          credentials: [],
        })),
      });
      for (const s of [...FINAL, ...RETRIED]) answerFor.set(accountFor(s), s);
      // Each account: the NOC blocks it, then lifts it; the lift waits for the block's event.
      for (const s of [...FINAL, ...RETRIED])
        for (const state of ['blocked', 'allowed'] as const)
          setInternationalCalling(db, accountFor(s), {
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

    test('400, 413 and 415 abandon the event at once, logged with Tollgate’s reason, and the account’s lift goes next', async () => {
      for (const s of FINAL)
        await waitFor(
          `the lift behind a ${s}`,
          () => row(accountFor(s), 'block.lifted').delivered_at !== null,
          5_000,
        );
      for (const s of FINAL) {
        const placed = row(accountFor(s), 'block.placed');
        expect(placed).toMatchObject({ attempts: 1, delivered_at: null, last_status: s });
        expect(placed.abandoned_at).not.toBeNull();
        expect(placed.last_error).toBe(
          `HTTP ${s} ${TOLLGATE_ANSWERS[s]!.code}: ${TOLLGATE_ANSWERS[s]!.message}`,
        );
        expect(attempts(accountFor(s), 'block.placed')).toBe(1);
        expect(
          lines.some((l) => l.includes(`block.placed ${accountFor(s)}) refused by Tollgate (HTTP ${s}`)),
        ).toBe(true);
      }
    });

    test('401, 404, 429 and 503 are retried, holding the account’s lift back, until Tollgate takes the event', async () => {
      for (const s of RETRIED)
        await waitFor(
          `three attempts answered ${s}`,
          () => attempts(accountFor(s), 'block.placed') >= 3,
          5_000,
        );
      for (const s of RETRIED) {
        expect(row(accountFor(s), 'block.placed')).toMatchObject({
          abandoned_at: null,
          delivered_at: null,
          last_status: s,
        });
        expect(attempts(accountFor(s), 'block.lifted')).toBe(0);
      }
      expect(lines.some((l) => l.includes('check SWITCH_WEBHOOK_SECRET'))).toBe(true);
      expect(lines.some((l) => l.includes(`Tollgate has no account ${accountFor(404)}`))).toBe(true);

      answerFor.clear(); // the secret is fixed, the account created, Tollgate back
      for (const s of RETRIED)
        await waitFor(
          `the lift after a ${s}`,
          () => row(accountFor(s), 'block.lifted').delivered_at !== null,
          5_000,
        );
      for (const s of RETRIED) {
        expect(row(accountFor(s), 'block.placed').delivered_at).not.toBeNull();
        const order = seen.filter((e) => e.accountNumber === accountFor(s)).map((e) => e.type);
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

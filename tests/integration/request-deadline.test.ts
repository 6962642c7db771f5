import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestDeadline } from '@/lib/server/request-deadline';
import { createSwitchClient } from '@/lib/switch/client';
import { createDatabase, openDb } from '@/switch/kamailio/src/db';
import { startDelivery } from '@/switch/kamailio/src/events';
import { collectGarbageOften } from '../helpers/gc';
import { seedDemoAccounts, startTestSim, WEBHOOK_SECRET } from '../switch/sim-fixture';

// Every outgoing request's time limit, while the collector runs. On Node 20 a fetch under
// AbortSignal.any([AbortSignal.timeout(ms), other]) never aborted once a garbage collection had run:
// CI36 saw the reference switch wait forever on a Tollgate that never answered, and so never retry.
// Each sender here faces a peer that reads the request and never answers, with a collection every
// 20 ms; each must give up on its own time limit, and stop when told to.

/**
 * A peer that answers the first `hangFor` requests never, and the rest with 200; `bodies` in order.
 * It counts only the running test's requests, sent under its own path (`peerUrl()`, `/t<n>/…`): a
 * request a finished test gave up on may still arrive on a loaded machine, and counted it would make
 * the next test's `seen` skip past the number it waits for (CI112: "still waiting for the request
 * to arrive (seen 2)"). Such a request is never answered.
 */
let peer: Server;
let peerOrigin: string;
let testNo = 0;
const peerUrl = () => `${peerOrigin}/t${testNo}`;
let hangFor = Infinity;
let seen = 0;
let bodies: string[] = [];
beforeAll(async () => {
  peer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!(req.url ?? '').startsWith(`/t${testNo}/`)) return; // an earlier test's, arriving late
      seen += 1;
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (seen <= hangFor) return;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true,"duplicate":false}');
    });
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  peerOrigin = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      peer.closeAllConnections();
      peer.close(() => r());
    }),
);

let stopCollecting: () => void = () => undefined;
beforeEach(() => {
  testNo += 1;
});
afterEach(() => {
  stopCollecting();
  hangFor = Infinity;
  seen = 0;
  bodies = [];
});
const underCollection = () => (stopCollecting = collectGarbageOften());

/** Settles with `p`'s outcome, or with 'still waiting' after `ms` (far beyond every time limit here). */
const settled = <T>(p: Promise<T>, ms = 8_000): Promise<T | 'still waiting'> =>
  Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms).unref())]);

const waitFor = async (what: string, check: () => boolean, ms = 8_000) => {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`still waiting for ${what} (seen ${seen})`);
};

describe('requestDeadline', () => {
  it('aborts a fetch to a peer that never answers on its time limit, with and without a second signal', async () => {
    underCollection();
    for (const also of [undefined, new AbortController().signal]) {
      const d = requestDeadline(200, also);
      const outcome = await settled(
        fetch(`${peerUrl()}/`, { method: 'POST', body: 'x', signal: d.signal }).then(
          () => 'answered',
          (e: Error) => e.name,
        ),
      );
      d.clear();
      expect(outcome).toBe('TimeoutError');
      expect(d.timedOut()).toBe(true);
    }
  });

  it('aborts when the second signal does, with its reason, and says it did not time out', async () => {
    underCollection();
    const stop = new AbortController();
    const d = requestDeadline(60_000, stop.signal);
    const pending = fetch(`${peerUrl()}/`, { method: 'POST', body: 'x', signal: d.signal }).then(
      () => 'answered',
      (e: unknown) => e,
    );
    await waitFor('the request to arrive', () => seen === 1);
    await new Promise((r) => setTimeout(r, 100)); // a few collections while it waits
    stop.abort(new Error('stopping'));
    expect(await settled(pending)).toEqual(new Error('stopping'));
    expect(d.timedOut()).toBe(false);
    d.clear();
  });

  it('leaves no listener on the second signal once cleared', () => {
    const stop = new AbortController();
    const deadlines = Array.from({ length: 3 }, () => requestDeadline(60_000, stop.signal));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(3);
    for (const d of deadlines) d.clear();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('refuses a time limit that is not a positive number of milliseconds', () => {
    for (const ms of [0, -1, Number.NaN, Infinity]) expect(() => requestDeadline(ms)).toThrow(RangeError);
  });
});

describe('the senders, against a peer that never answers', () => {
  it("the portal's switch client gives up on its time limit, with a caller's signal too", async () => {
    underCollection();
    const client = createSwitchClient({
      baseUrl: peerUrl(),
      token: 'test-switch-token-0123456789',
      timeoutMs: 200,
      retries: 0,
      log: () => undefined,
    });
    const result = await settled(client.getAccount('ACC-1001', { signal: new AbortController().signal }));
    expect(result).toMatchObject({ ok: false, kind: 'unavailable', code: 'timeout' });
  });

  it("the simulator's event sender retries after its time limit, and delivers", async () => {
    hangFor = 1;
    const sim = await startTestSim({
      eventsUrl: `${peerUrl()}/api/switch/events`,
      delivery: { intervalMs: 30, backoffBaseMs: 20, backoffMaxMs: 100, timeoutMs: 200 },
    });
    try {
      await seedDemoAccounts(sim);
      underCollection();
      const fraud = await settled(
        sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1002', to: '+252611234567' }),
      );
      expect(fraud).toMatchObject({
        status: 202,
        body: { delivery: { status: 'pending', lastError: 'timeout' } },
      });
      await waitFor('the retry to arrive', () => seen >= 2);
      const events = async () =>
        (await sim.control('GET', '/_sim/events')).body.events as { status: string; attempts: number }[];
      for (const end = Date.now() + 8_000; (await events())[0]?.status !== 'delivered' && Date.now() < end;)
        await new Promise((r) => setTimeout(r, 20));
      // Delivered after one retry or more: on a loaded machine the answered retry can itself pass its
      // 200 ms limit (CI112: 3 attempts), which is the behaviour under test, once more.
      const [event, ...others] = await events();
      expect(others).toEqual([]);
      expect(event).toMatchObject({ status: 'delivered' });
      expect(event.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await sim.stop();
    }
  });

  it("the simulator's event sender stops at once while an attempt waits", async () => {
    const sim = await startTestSim({
      eventsUrl: `${peerUrl()}/api/switch/events`,
      delivery: { intervalMs: 30, backoffBaseMs: 20, backoffMaxMs: 100, timeoutMs: 60_000 },
    });
    await seedDemoAccounts(sim);
    underCollection();
    void sim
      .control('POST', '/_sim/fraud', { accountNumber: 'ACC-1002', to: '+252611234567' })
      .catch(() => undefined);
    await waitFor('the attempt to arrive', () => seen === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(await settled(sim.stop().then(() => 'stopped'))).toBe('stopped');
  });

  describe("the reference Kamailio switch's event sender", () => {
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    /** The reference switch's sender of `db`'s outbox to the peer, retrying within 100 ms. */
    const sendTo = (db: ReturnType<typeof openDb>, timeoutMs: number) =>
      startDelivery(db, {
        eventsUrl: `${peerUrl()}/api/switch/events`,
        webhookSecret: WEBHOOK_SECRET,
        pollIntervalMs: 30,
        timeoutMs,
        retryBaseMs: 20,
        retryMaxMs: 100,
        log: () => undefined,
      });
    const outboxWithOneLift = () => {
      dir = mkdtempSync(join(tmpdir(), 'tollgate-deadline-'));
      const dbPath = join(dir, 'switch.db');
      createDatabase(dbPath);
      const db = openDb(dbPath);
      db.prepare(
        "INSERT INTO outbox (type, account_number, created_at, actor) VALUES ('block.lifted', 'ACC-1001', ?, 'sam@tollgate.example')",
      ).run(Math.floor(Date.now() / 1000));
      return db;
    };

    it('retries after its time limit, with the same event, and delivers', async () => {
      hangFor = 1;
      const db = outboxWithOneLift();
      underCollection();
      const sender = sendTo(db, 200);
      try {
        const row = () =>
          db.prepare('SELECT attempts, delivered_at, last_error FROM outbox').get() as {
            attempts: number;
            delivered_at: number | null;
            last_error: string | null;
          };
        await waitFor('the event to be delivered', () => row().delivered_at !== null);
        // One retry or more (a retry can pass its limit on a loaded machine too), each the same event.
        expect(row().attempts).toBeGreaterThanOrEqual(2);
        expect(bodies.length).toBeGreaterThanOrEqual(2);
        for (const body of bodies) expect(body).toBe(bodies[0]); // the same event, byte for byte
      } finally {
        await sender.stop();
        db.close();
      }
    });

    it('stops at once while an attempt waits', async () => {
      const db = outboxWithOneLift();
      underCollection();
      const sender = sendTo(db, 60_000);
      try {
        await waitFor('the attempt to arrive', () => seen === 1);
        await new Promise((r) => setTimeout(r, 100));
        expect(await settled(sender.stop().then(() => 'stopped'))).toBe('stopped');
      } finally {
        db.close();
      }
    });
  });
});

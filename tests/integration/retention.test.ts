import Database from 'better-sqlite3';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { renderMetrics } from '@/lib/server/metrics';
import {
  CLEARED_EVENT_BODY,
  EVENT_ID_MIN_KEEP_DAYS,
  SESSION_KEEP_EXPIRED_MS,
  retentionPass,
  type EventCursor,
} from '@/lib/server/retention';
import { userOfSession } from '@/lib/auth/session';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeSession } from '@/tests/helpers/factory';
import { sample } from '@/tests/helpers/metrics';
import { placedEvent } from '@/tests/helpers/switch-events';

// Storage limitation (GDPR Art. 5(1)(e)): the retention worker deletes finished rows of the working
// tables past RETENTION_DAYS (90 by default), a bounded batch a pass, and clears switch event bodies
// while keeping their ids for the switch's retries. Pending, leased and newer rows, events not
// applied, and the audit log stay. Sign-in sessions go a day after they expired.

const DAY = 24 * 60 * 60_000;
const DAYS = 90;
const secret = process.env.SWITCH_WEBHOOK_SECRET!;

/** A pass `daysLater` days from now, with its own cursor unless one is given. */
const passAt = (daysLater: number, opts: { max?: number; cursor?: EventCursor } = {}) =>
  retentionPass({
    now: new Date(Date.now() + daysLater * DAY),
    days: DAYS,
    max: opts.max,
    cursor: opts.cursor ?? { from: null },
  });

function post(body: string) {
  return POST(
    new Request('http://localhost/api/switch/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, body) },
      body,
    }),
  );
}

const metric = async (series: string) => sample((await renderMetrics()).body, series) ?? 0;

describe.each(dialects())('retention on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });
  beforeEach(async () => {
    const db = getDb();
    await db.mailMessage.deleteMany();
    await db.switchOperation.deleteMany();
    await db.switchEvent.deleteMany();
    await db.session.deleteMany();
  });

  it('deletes finished mail past the period in bounded batches; pending, leased and newer mail and the audit log stay', async () => {
    const db = getDb();
    const now = Date.now();
    const ago = (days: number, minutes = 0) => new Date(now - days * DAY - minutes * 60_000);
    const mail = (id: string, at: Date, more: Record<string, unknown> = {}) => ({
      id,
      to: 'someone@t.example',
      template: 'block_notice',
      payload: '{"blockId":"b1","userId":"u1"}',
      createdAt: at,
      nextAttemptAt: at,
      ...more,
    });
    await db.mailMessage.createMany({
      data: [
        ...Array.from({ length: 7 }, (_, i) =>
          mail(`done${i}`, ago(DAYS + 1, i), { status: 'done', sentAt: ago(DAYS + 1, i - 1) }),
        ),
        mail('failed0', ago(DAYS + 2), { status: 'failed', lastError: 'gave up after 9 attempts' }),
        mail('failed1', ago(DAYS + 3), { status: 'failed', lastError: 'not sent: link expired' }),
        // Still waiting (a mail server gone for months): never deleted, however old.
        mail('pending', ago(DAYS + 5), { status: 'pending', attempts: 40 }),
        // Under a live lease: whatever its status says, a worker holds it.
        mail('leased', ago(DAYS + 5), {
          status: 'done',
          sentAt: ago(DAYS + 5),
          leaseOwner: 'another-instance',
          leaseUntil: new Date(now + 60_000),
        }),
        mail('recent', ago(DAYS - 1), { status: 'done', sentAt: ago(DAYS - 1) }),
      ],
    });
    await db.auditLog.create({ data: { at: ago(DAYS * 3), action: 'switch.block.placed', detail: '{}' } });
    const before = await metric('tollgate_retention_deleted_total{table="MailMessage"}');

    const passes = [];
    for (let i = 0; i < 4; i++) passes.push((await passAt(0, { max: 4 })).mail);
    expect(passes).toEqual([4, 4, 1, 0]);
    const left = await db.mailMessage.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    expect(left.map((m) => m.id)).toEqual(['leased', 'pending', 'recent']);
    expect(await db.auditLog.count()).toBe(1);
    expect(await metric('tollgate_retention_deleted_total{table="MailMessage"}')).toBe(before + 9);
    // A pass with the default retention and batch (RETENTION_DAYS unset: 90 days) finds nothing more.
    expect(await retentionPass({ cursor: { from: null } })).toEqual({
      eventBodiesCleared: 0,
      events: 0,
      switchOperations: 0,
      mail: 0,
      sessions: 0,
    });
  });

  it('deletes switch operations the switch confirmed or refused past the period; pending, leased and recently finished ones stay', async () => {
    const db = getDb();
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * DAY);
    const op = (id: string, at: Date, more: Record<string, unknown> = {}) => ({
      id,
      idempotencyKey: `key-${id}`,
      kind: 'lift',
      accountNumber: 'ACC-1001',
      payload: '{"state":"allowed","actor":"agent@t.example"}',
      createdAt: at,
      nextAttemptAt: at,
      ...more,
    });
    await db.switchOperation.createMany({
      data: [
        op('done0', ago(DAYS + 10), { status: 'done', completedAt: ago(DAYS + 10) }),
        op('done1', ago(DAYS + 9), { status: 'done', completedAt: ago(DAYS + 9) }),
        op('failed0', ago(DAYS + 8), { status: 'failed', completedAt: ago(DAYS + 8), lastError: 'refused' }),
        // Finished before completedAt was recorded: its creation dates it.
        op('failed1', ago(DAYS + 7), { status: 'failed', lastError: 'superseded: a new block' }),
        // An allowance end retried for months (never given up): pending, so it stays.
        op('pending', ago(DAYS + 30), { status: 'pending', attempts: 900 }),
        op('leased', ago(DAYS + 30), {
          status: 'failed',
          completedAt: ago(DAYS + 30),
          leaseOwner: 'another-instance',
          leaseUntil: new Date(now + 60_000),
        }),
        // Queued long ago, settled within the period: the staff page still lists it.
        op('settledLately', ago(DAYS + 30), { status: 'done', completedAt: ago(DAYS - 5) }),
        op('recent', ago(DAYS - 1), { status: 'done', completedAt: ago(DAYS - 1) }),
      ],
    });
    const before = await metric('tollgate_retention_deleted_total{table="SwitchOperation"}');
    expect((await passAt(0, { max: 3 })).switchOperations).toBe(3);
    expect((await passAt(0, { max: 3 })).switchOperations).toBe(1);
    expect((await passAt(0, { max: 3 })).switchOperations).toBe(0);
    const left = await db.switchOperation.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    expect(left.map((o) => o.id)).toEqual(['leased', 'pending', 'recent', 'settledLately']);
    expect(await metric('tollgate_retention_deleted_total{table="SwitchOperation"}')).toBe(before + 4);
  });

  it('clears the bodies of applied and refused events past the period, keeps their ids a year, and leaves events not applied alone', async () => {
    const db = getDb();
    const now = Date.now();
    const ago = (days: number, minutes = 0) => new Date(now - days * DAY - minutes * 60_000);
    const body = (id: string) =>
      JSON.stringify({ id, type: 'block.placed', data: { calls: [{ sourceIp: '203.0.113.9' }] } });
    const event = (id: string, status: string, at: Date) => ({
      id,
      type: 'block.placed',
      accountNumber: 'ACC-1001',
      body: body(id),
      status: status as 'processed',
      receivedAt: at,
    });
    await db.switchEvent.createMany({
      data: [
        event('evt_a', 'processed', ago(DAYS + 1, 3)),
        event('evt_b', 'processed', ago(DAYS + 1, 2)),
        event('evt_c', 'processed', ago(DAYS + 1, 1)),
        event('rejected_1', 'rejected', ago(DAYS + 1)),
        // Waiting for the switch's retry (or an account that does not exist yet): kept as they are.
        event('evt_received', 'received', ago(DAYS + 1)),
        event('evt_unknown', 'unknown_account', ago(DAYS + 1)),
        event('evt_recent', 'processed', ago(DAYS - 1)),
      ],
    });
    const bodies = async () =>
      Object.fromEntries(
        (await db.switchEvent.findMany({ orderBy: { id: 'asc' } })).map((e) => [
          e.id,
          e.body === CLEARED_EVENT_BODY ? 'cleared' : e.body === body(e.id) ? 'kept' : e.body,
        ]),
      );
    const cleared = await metric('tollgate_retention_event_bodies_cleared_total');
    const cursor: EventCursor = { from: null };
    const passes = [];
    for (let i = 0; i < 3; i++) passes.push(await passAt(0, { max: 3, cursor }));
    expect(passes.map((p) => [p.eventBodiesCleared, p.events])).toEqual([
      [3, 0],
      [1, 0],
      [0, 0],
    ]);
    expect(await bodies()).toEqual({
      evt_a: 'cleared',
      evt_b: 'cleared',
      evt_c: 'cleared',
      evt_received: 'kept',
      evt_recent: 'kept',
      evt_unknown: 'kept',
      rejected_1: 'cleared',
    });
    expect(await metric('tollgate_retention_event_bodies_cleared_total')).toBe(cleared + 4);

    // The ids stay until EVENT_ID_MIN_KEEP_DAYS after they were received, then go in batches.
    const untilIdsGo = EVENT_ID_MIN_KEEP_DAYS - (DAYS + 1);
    expect((await passAt(untilIdsGo - 1)).events).toBe(0);
    const deleted = await metric('tollgate_retention_deleted_total{table="SwitchEvent"}');
    const late = [];
    for (let i = 0; i < 3; i++) late.push((await passAt(untilIdsGo + 1, { max: 3 })).events);
    expect(late).toEqual([3, 1, 0]);
    expect(await bodies()).toEqual({ evt_received: 'kept', evt_recent: 'cleared', evt_unknown: 'kept' });
    expect(await metric('tollgate_retention_deleted_total{table="SwitchEvent"}')).toBe(deleted + 4);
  });

  it('a switch event sent again after its body was cleared is still answered as a duplicate, with no second block', async () => {
    const db = getDb();
    const { account, creds } = await makeAccount();
    const raw = JSON.stringify(placedEvent(account.number, { from: [creds[0].username] }));
    const first = await post(raw);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const id = (JSON.parse(raw) as { id: string }).id;

    expect((await passAt(DAYS + 1)).eventBodiesCleared).toBe(1);
    expect(await db.switchEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      body: CLEARED_EVENT_BODY,
      status: 'processed',
    });
    const again = await post(raw);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });

    // Still within the year its id is kept: still a duplicate.
    expect((await passAt(EVENT_ID_MIN_KEEP_DAYS - 1)).events).toBe(0);
    expect(await (await post(raw)).json()).toEqual({ received: true, duplicate: true });
    expect(await db.block.count({ where: { accountId: account.id } })).toBe(1);
    // The block's notice, not sent yet (no mail server in this test), is pending: it stays.
    expect(await db.mailMessage.count({ where: { template: 'block_notice', status: 'pending' } })).toBe(1);
  });

  it('deletes sessions expired more than a day ago in bounded batches, with their emailed code; live and lately expired ones stay', async () => {
    const db = getDb();
    const now = Date.now();
    const { users } = await makeAccount();
    const userId = users[0]!.id;
    /** A session of the member that expires (or expired) `ms` from now. */
    const session = async (ms: number) => {
      const s = await makeSession(userId);
      return db.session.update({ where: { id: s.id }, data: { expires: new Date(now + ms) } });
    };
    const hour = 3600_000;
    const old = [];
    for (let i = 0; i < 5; i++) old.push(await session(-SESSION_KEEP_EXPIRED_MS - (i + 1) * hour));
    old.push(await session(-DAY * 30));
    const lately = await session(-SESSION_KEEP_EXPIRED_MS + hour); // expired 23 hours ago
    const justNow = await session(-60_000);
    const live = await session(11 * hour);
    // A code mailed to confirm two-factor from an old session goes with it (nothing else deletes it).
    await db.enrolmentProof.create({
      data: { sessionId: old[0]!.id, userId, codeMac: 'mac', expiresAt: new Date(now - DAY) },
    });
    const before = await metric('tollgate_retention_deleted_total{table="Session"}');

    const passes = [];
    for (let i = 0; i < 4; i++) passes.push((await passAt(0, { max: 4 })).sessions);
    expect(passes).toEqual([4, 2, 0, 0]);
    const left = await db.session.findMany({ select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([lately.id, justNow.id, live.id].sort());
    expect(await db.enrolmentProof.count()).toBe(0);
    expect(await metric('tollgate_retention_deleted_total{table="Session"}')).toBe(before + 6);
    // The live session still signs in; an expired one kept for its grace never does.
    expect((await userOfSession(live.sessionToken))?.id).toBe(userId);
    expect(await userOfSession(lately.sessionToken)).toBeNull();
    // The same grace whatever RETENTION_DAYS: a pass a day later takes the two expired since.
    expect(
      (await retentionPass({ now: new Date(now + DAY + hour), days: 3650, cursor: { from: null } })).sessions,
    ).toBe(2);
    expect((await db.session.findMany({ select: { id: true } })).map((r) => r.id)).toEqual([live.id]);
  });

  it('reads old finished rows through the indexes the outboxes and the inbox already have (no migration)', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL's planner scans tables this small whatever the indexes
    const conn = new Database(sqlitePath(url), { readonly: true });
    const plan = (sql: string) =>
      (conn.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail);
    try {
      for (const table of ['MailMessage', 'SwitchOperation'])
        expect(
          plan(
            `SELECT "id" FROM "${table}" WHERE "status" = 'done' AND "nextAttemptAt" < '2026' AND "createdAt" < '2026' ORDER BY "nextAttemptAt" ASC LIMIT 500`,
          ),
        ).toEqual([expect.stringMatching(new RegExp(`USING INDEX ${table}_status_nextAttemptAt_idx`))]);
      expect(
        plan(
          `SELECT "id" FROM "SwitchEvent" WHERE "status" IN ('processed', 'rejected') AND "receivedAt" < '2026' AND "body" <> '' ORDER BY "receivedAt" ASC LIMIT 100`,
        ),
      ).toEqual([expect.stringMatching(/USING INDEX SwitchEvent_receivedAt_idx/)]);
    } finally {
      conn.close();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { takeRequest } from '@/lib/requests/claim';
import { listQueue, oldestNotTaken, queueFilterSql, waitingCounts } from '@/lib/requests/queue';
import { getDb, isPostgres } from '@/lib/server/db';
import { renderMetrics } from '@/lib/server/metrics';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { sample } from '@/tests/helpers/metrics';

// A support desk in a fraud wave splits the queue: misdials to one agent, firewall requests to
// another, the hotspot blocks to a third; an agent asks for the oldest request nobody has taken; an
// operator watches the backlog. Before (review): one `?account=` filter, no claim, no gauge.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** A pending request of `kind` on a fresh block of `reason` on `accountId`, sent at `createdAt`. */
async function request(
  accountId: string,
  submittedById: string,
  o: { kind: 'misdial' | 'firewall'; reason: BlockReason; createdAt: Date; status?: 'pending' | 'denied' },
) {
  const block = await makeBlock(accountId, { reason: o.reason });
  const status = o.status ?? 'pending';
  return getDb().unblockRequest.create({
    data: {
      blockId: block.id,
      accountId,
      kind: o.kind,
      status,
      openKey: status === 'pending' ? block.id : null,
      submittedById,
      whatHappened: 'We dialled 00252 instead of 0252.',
      callbackPhone: '+12025550143',
      createdAt: o.createdAt,
    },
  });
}

const ids = (q: { items: { id: string }[] }) => q.items.map((i) => i.id);

describe.each(dialects())('the queue filtered on %s', (dialect) => {
  let agent: CurrentUser;
  let other: CurrentUser;
  let account: { id: string; number: string };
  let made: Awaited<ReturnType<typeof request>>[];
  beforeAll(async () => {
    await useFreshDb(dialect);
    [agent, other] = [await makeStaff(), await makeStaff()];
    const a = await makeAccount();
    account = a.account;
    const at = (i: number) => new Date(Date.UTC(2001, 0, 1, 0, i));
    const plan: ['misdial' | 'firewall', BlockReason][] = [
      ['misdial', 'high_risk_destination'],
      ['firewall', 'hotspot_source_ip'],
      ['misdial', 'hotspot_source_ip'],
      ['firewall', 'high_risk_destination'],
      ['misdial', 'suspicious_pattern'],
      ['firewall', 'hotspot_source_ip'],
    ];
    made = [];
    for (const [i, [kind, reason]] of plan.entries())
      made.push(await request(account.id, a.users[0].id, { kind, reason, createdAt: at(i) }));
    // A decided one of each kind: never listed.
    await request(account.id, a.users[0].id, {
      kind: 'firewall',
      reason: 'hotspot_source_ip',
      createdAt: at(0),
      status: 'denied',
    });
    // A request of another account, older than all: only the account filter leaves it out.
    const b = await makeAccount();
    await request(b.account.id, b.users[0].id, {
      kind: 'firewall',
      reason: 'hotspot_source_ip',
      createdAt: new Date(Date.UTC(2000, 0, 1)),
    });
  });

  it('by kind and by block reason, oldest first, counted, each page keeping the filter', async () => {
    const q = (o: Parameters<typeof listQueue>[3]) =>
      listQueue(agent, null, 'en', { account: account.number, ...o });
    expect(ids(await q({ kind: 'misdial' }))).toEqual([made[0].id, made[2].id, made[4].id]);
    expect(await q({ kind: 'firewall' })).toMatchObject({ total: 3, capped: false });
    expect(ids(await q({ reason: 'hotspot_source_ip' }))).toEqual([made[1].id, made[2].id, made[5].id]);
    expect(ids(await q({ kind: 'firewall', reason: 'hotspot_source_ip' }))).toEqual([made[1].id, made[5].id]);
    expect(await q({ kind: 'misdial', reason: 'manual' })).toMatchObject({ items: [], total: 0 });
    // Without the account: the other account's request is among the firewall ones, first (oldest).
    const all = await listQueue(agent, null, 'en', { kind: 'firewall', reason: 'hotspot_source_ip' });
    expect(all.total).toBe(3);
    expect(all.items.every((i) => i.kind === 'firewall' && i.block.reason === 'hotspot_source_ip')).toBe(
      true,
    );

    // Paged one at a time, the filter holds on every page and nothing repeats.
    const seen: string[] = [];
    let after: { at: Date; id: string } | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listQueue(agent, after, 'en', {
        account: account.number,
        kind: 'misdial',
        pageSize: 1,
      });
      seen.push(...ids(page));
      if (!page.next) break;
      after = readCursor(timeIdKey, page.next).key;
    }
    expect(seen).toEqual([made[0].id, made[2].id, made[4].id]);
  });

  it('by taken or not: nobody holding it, the reader holding it, anyone holding it', async () => {
    expect((await takeRequest(agent, { requestId: made[0].id, from: '' }, meta)).ok).toBe(true);
    expect((await takeRequest(other, { requestId: made[2].id, from: '' }, meta)).ok).toBe(true);
    const q = (u: CurrentUser, taken: 'no' | 'mine' | 'yes') =>
      listQueue(u, null, 'en', { account: account.number, kind: 'misdial', taken });
    expect(ids(await q(agent, 'no'))).toEqual([made[4].id]);
    expect(ids(await q(agent, 'mine'))).toEqual([made[0].id]);
    expect(ids(await q(other, 'mine'))).toEqual([made[2].id]);
    const taken = await q(agent, 'yes');
    expect(ids(taken)).toEqual([made[0].id, made[2].id]);
    expect(taken.items.map((i) => [i.claim?.by, i.claim?.mine])).toEqual([
      [agent.email, true],
      [other.email, false],
    ]);
    // The unfiltered counts the page's watch starts from (this account has no allowance request).
    expect(await waitingCounts(agent, account.number)).toEqual({
      unblock: { pending: 6, capped: false },
      allowance: { pending: 0, capped: false },
    });
  });

  it('"Next request": the oldest nobody has taken, of the kind and reason asked', async () => {
    // made[0] and made[2] are taken (above); the other account's firewall request is the oldest.
    const next = await oldestNotTaken(agent, { kind: 'misdial' });
    expect(next?.id).toBe(made[4].id);
    expect((await oldestNotTaken(agent, { kind: 'firewall', reason: 'high_risk_destination' }))?.id).toBe(
      made[3].id,
    );
    expect(await oldestNotTaken(agent, { kind: 'misdial', reason: 'manual' })).toBeNull();
    // Taken by one agent, it is no one's next.
    expect((await takeRequest(other, { requestId: made[4].id, from: '' }, meta)).ok).toBe(true);
    expect(await oldestNotTaken(agent, { kind: 'misdial', reason: 'suspicious_pattern' })).toBeNull();
  });
});

/**
 * `n` requests in two statements, each on its own block: one in ten pending, half of those firewall
 * requests; the blocks' reasons in turn, so each reason is a quarter of each kind.
 */
async function wave(n: number) {
  const db = getDb();
  const { account, users } = await makeAccount();
  const [acc, by] = [account.id, users[0].id];
  if (isPostgres()) {
    await db.$executeRaw`INSERT INTO "Block" ("id","accountId","reason","status","placedAt","placedBy")
      SELECT 'wb' || g, ${acc}, (ARRAY['high_risk_destination','hotspot_source_ip','suspicious_pattern','manual'])[1 + (g / 10) % 4]::"BlockReason",
        'active', now(), 'switch' FROM generate_series(1, ${n}::int) g`;
    await db.$executeRaw`INSERT INTO "UnblockRequest" ("id","blockId","accountId","kind","status","submittedById","whatHappened","callbackPhone","createdAt")
      SELECT 'wr' || g, 'wb' || g, ${acc}, (CASE WHEN g % 4 = 2 THEN 'firewall' ELSE 'misdial' END)::"RequestKind",
        (CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'denied' END)::"RequestStatus", ${by}, 'x', '+1',
        now() - make_interval(secs => g) FROM generate_series(1, ${n}::int) g`;
    await db.$executeRawUnsafe('ANALYZE');
  } else {
    const at = new Date().toISOString().replace('Z', '+00:00');
    await db.$executeRaw`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${n})
      INSERT INTO "Block" ("id","accountId","reason","status","placedAt","placedBy","createdAt")
      SELECT 'wb' || x, ${acc}, CASE (x / 10) % 4 WHEN 0 THEN 'high_risk_destination' WHEN 1 THEN 'hotspot_source_ip'
        WHEN 2 THEN 'suspicious_pattern' ELSE 'manual' END, 'active', ${at}, 'switch', ${at} FROM g`;
    await db.$executeRaw`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${n})
      INSERT INTO "UnblockRequest" ("id","blockId","accountId","kind","status","submittedById","whatHappened","callbackPhone","createdAt")
      SELECT 'wr' || x, 'wb' || x, ${acc}, CASE WHEN x % 4 = 2 THEN 'firewall' ELSE 'misdial' END,
        CASE WHEN x % 10 = 0 THEN 'pending' ELSE 'denied' END, ${by}, 'x', '+1', ${at} FROM g`;
  }
  return by;
}

/** The plan of `statement`, one line a step ("SEARCH r USING INDEX …" on SQLite, "Index Scan using …" on PostgreSQL). */
async function plan(statement: Prisma.Sql): Promise<string> {
  const rows = await getDb().$queryRaw<Record<string, string>[]>(
    Prisma.sql`${Prisma.raw(isPostgres() ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN')} ${statement}`,
  );
  return rows.map((r) => r['QUERY PLAN'] ?? r.detail).join('\n');
}

describe.each(dialects())('the queue filters on the indexes, on %s', (dialect) => {
  let user: string;
  beforeAll(async () => {
    await useFreshDb(dialect);
    // A fraud wave's table: 2 000 requests waiting among 20 000 (the rest decided history).
    user = await wave(20_000);
  });

  it('a kind is one range of the (status, kind, createdAt) index; a reason reads each block by its key', async () => {
    const page = (f: Parameters<typeof queueFilterSql>[0]) =>
      Prisma.sql`SELECT r."id" FROM "UnblockRequest" r WHERE r."status" = 'pending' ${queueFilterSql(f, user, new Date())}
        ORDER BY r."createdAt", r."id" LIMIT 26`;
    const count = (f: Parameters<typeof queueFilterSql>[0]) =>
      Prisma.sql`SELECT count(*) FROM (SELECT 1 FROM "UnblockRequest" r WHERE r."status" = 'pending'
        ${queueFilterSql(f, user, new Date())} ORDER BY r."createdAt" LIMIT 10001) n`;
    for (const s of [page({ kind: 'firewall' }), count({ kind: 'firewall' })])
      expect(await plan(s)).toMatch(/UnblockRequest_status_kind_createdAt_idx/);
    for (const f of [{ reason: 'manual' as const }, { taken: 'no' as const }, { taken: 'mine' as const }, {}])
      for (const s of [page(f), count(f)]) {
        const p = await plan(s);
        // Never the whole table of requests: an index range of the waiting ones.
        expect(p, JSON.stringify(f)).not.toMatch(/Seq Scan on "UnblockRequest"|SCAN r\b/);
        expect(p, JSON.stringify(f)).toMatch(/UnblockRequest_status_(kind_)?createdAt_idx/);
      }
    // The first page of a reason: each request's block by its primary key.
    expect(await plan(page({ reason: 'manual' }))).toMatch(
      dialect === 'sqlite'
        ? /SEARCH b EXISTS USING INDEX sqlite_autoindex_Block_1 \(id=\?\)/
        : /Index Scan using "Block_pkey"/,
    );
    const db = getDb();
    const waiting = await db.unblockRequest.count({ where: { status: 'pending', kind: 'firewall' } });
    expect(waiting).toBe(1000);
    const staff = await makeStaff();
    expect(await listQueue(staff, null, 'en', { kind: 'firewall' })).toMatchObject({
      total: 1000,
      shown: 25,
    });
  });

  it('the backlog gauges count each kind and age the oldest, in one read of that index', async () => {
    const body = (await renderMetrics()).body;
    expect(sample(body, 'tollgate_requests_pending{kind="misdial"}')).toBe(1000);
    expect(sample(body, 'tollgate_requests_pending{kind="firewall"}')).toBe(1000);
    expect(sample(body, 'tollgate_requests_pending{kind="allowance"}')).toBe(0);
    expect(sample(body, 'tollgate_requests_oldest_age_seconds{kind="allowance"}')).toBe(0);
    if (dialect === 'sqlite')
      expect(
        await plan(
          Prisma.sql`SELECT "kind", count(*), min("createdAt") FROM "UnblockRequest" WHERE "status" = 'pending' GROUP BY "kind"`,
        ),
      ).toMatch(/COVERING INDEX UnblockRequest_status_kind_createdAt_idx/);
  });
});

describe.each(dialects())('the support backlog gauges on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('pending requests by kind (misdial, firewall, allowance) and the oldest one’s age in seconds', async () => {
    const empty = (await renderMetrics()).body;
    for (const kind of ['misdial', 'firewall', 'allowance']) {
      expect(sample(empty, `tollgate_requests_pending{kind="${kind}"}`)).toBe(0);
      expect(sample(empty, `tollgate_requests_oldest_age_seconds{kind="${kind}"}`)).toBe(0);
    }
    const { account, users } = await makeAccount();
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    const by = users[0].id;
    await request(account.id, by, { kind: 'misdial', reason: 'high_risk_destination', createdAt: ago(3600) });
    await request(account.id, by, { kind: 'misdial', reason: 'high_risk_destination', createdAt: ago(60) });
    await request(account.id, by, { kind: 'firewall', reason: 'hotspot_source_ip', createdAt: ago(600) });
    // Decided: not waiting.
    await request(account.id, by, {
      kind: 'firewall',
      reason: 'hotspot_source_ip',
      createdAt: ago(7200),
      status: 'denied',
    });
    const allowance = (status: string, seconds: number) =>
      getDb().destinationAllowance.create({
        data: {
          accountId: account.id,
          country: 'SO',
          hours: 4,
          reason: 'x',
          status,
          createdAt: ago(seconds),
        },
      });
    await allowance('requested', 1800);
    await allowance('active', 9000);
    const body = (await renderMetrics()).body;
    expect(sample(body, 'tollgate_requests_pending{kind="misdial"}')).toBe(2);
    expect(sample(body, 'tollgate_requests_pending{kind="firewall"}')).toBe(1);
    expect(sample(body, 'tollgate_requests_pending{kind="allowance"}')).toBe(1);
    const age = (kind: string) => sample(body, `tollgate_requests_oldest_age_seconds{kind="${kind}"}`)!;
    expect(age('misdial')).toBeGreaterThanOrEqual(3600);
    expect(age('misdial')).toBeLessThan(3700);
    expect(age('firewall')).toBeGreaterThanOrEqual(600);
    expect(age('firewall')).toBeLessThan(700);
    expect(age('allowance')).toBeGreaterThanOrEqual(1800);
    expect(age('allowance')).toBeLessThan(1900);
  });
});

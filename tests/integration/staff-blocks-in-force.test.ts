import Database from 'better-sqlite3';
import { createElement as h } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import {
  blocksInForceSql,
  listBlocksInForce,
  readBlocksFilter,
  type BlocksFilter,
} from '@/lib/staff/blocks-in-force';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';
import { render, text } from '@/tests/helpers/intl-markup';
import { BlocksInForceFilters, BlocksInForceList } from '@/components/staff/blocks-in-force';

// The support desk's list of blocks in force (lib/staff/blocks-in-force.ts, /staff/blocks): in a fraud
// wave the customers who asked for nothing, or changed one password of two and stopped, appeared
// nowhere on the staff pages. Each row says how far the automatic lift has come, whether a request is
// open, and whether a member signed in since the block.

const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);
const db = () => getDb();

describe.each(dialects())('the blocks in force on %s', (dialect) => {
  let agent: CurrentUser;
  const ids: Record<string, string> = {};
  let customer: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff();
    // none: two named credentials, neither changed; a member signed in after the block.
    const none = await makeAccount();
    const bNone = await makeBlock(none.account.id, {
      placedAt: at(0),
      calls: [{ sipUsername: none.creds[0]!.username }, { sipUsername: none.creds[1]!.username }],
    });
    ids.none = bNone.id;
    customer = asCustomer(none.users[0]!);
    await db().auditLog.create({
      data: { action: 'sign_in.success', actorId: none.users[0]!.id, at: at(5) },
    });
    await db().auditLog.create({
      data: { action: 'sign_in.success', actorId: none.users[0]!.id, at: at(-5) },
    });
    // A password accepted with the second factor still due (its code never given) is no sign-in.
    await db().auditLog.create({
      data: {
        action: 'sign_in.success',
        actorId: none.users[0]!.id,
        at: at(6),
        detail: JSON.stringify({ method: 'password', secondFactor: 'pending' }),
      },
    });
    // partly: one of two named changed after the block; an unblock request open.
    const partly = await makeAccount();
    const bPartly = await makeBlock(partly.account.id, {
      placedAt: at(1),
      calls: [{ sipUsername: partly.creds[0]!.username }, { sipUsername: partly.creds[1]!.username }],
    });
    ids.partly = bPartly.id;
    await db().sipCredential.update({
      where: { id: partly.creds[0]!.id },
      data: { passwordChangedAt: at(2) },
    });
    ids.partlyRequest = (await makeRequest(bPartly, partly.users[0]!.id)).id;
    // all named changed, but a suspect credential not: partly too (the lift waits for it).
    const suspect = await makeAccount({ credentials: [`s-${T0}-a`, `s-${T0}-b`] });
    const bSuspect = await makeBlock(suspect.account.id, {
      placedAt: at(2),
      calls: [{ sipUsername: suspect.creds[0]!.username }],
    });
    ids.suspect = bSuspect.id;
    await db().sipCredential.update({
      where: { id: suspect.creds[0]!.id },
      data: { passwordChangedAt: at(3) },
    });
    await db().blockSuspectCredential.create({
      data: {
        blockId: bSuspect.id,
        credentialId: suspect.creds[1]!.id,
        reason: 'scanner',
        sourceIp: '185.220.101.47',
        firstSeenAt: at(2),
      },
    });
    // all: the one named changed (the policy keeps it for a person); a change before the block does not count elsewhere.
    const all = await makeAccount({ credentials: [`all-${T0}`] });
    ids.all = (
      await makeBlock(all.account.id, { placedAt: at(3), calls: [{ sipUsername: all.creds[0]!.username }] })
    ).id;
    await db().sipCredential.update({ where: { id: all.creds[0]!.id }, data: { passwordChangedAt: at(4) } });
    // nothing: a manual block, and calls through a name that is no credential (an IP trunk).
    const manual = await makeAccount();
    ids.manual = (await makeBlock(manual.account.id, { placedAt: at(4), reason: 'manual' })).id;
    const trunk = await makeAccount();
    ids.trunk = (
      await makeBlock(trunk.account.id, { placedAt: at(4), calls: [{ sipUsername: 'ip-trunk-nobody' }] })
    ).id;
    // Changed BEFORE its block: no change since.
    const before = await makeAccount();
    await db().sipCredential.update({
      where: { id: before.creds[0]!.id },
      data: { passwordChangedAt: at(4) },
    });
    ids.before = (
      await makeBlock(before.account.id, {
        placedAt: at(5),
        calls: [{ sipUsername: before.creds[0]!.username }],
      })
    ).id;
    // Not in force: lifted, and lift_pending (a lift decided and on its way).
    const lifted = await makeAccount();
    const bl = await makeBlock(lifted.account.id, { placedAt: at(0) });
    await db().block.update({
      where: { id: bl.id },
      data: { status: 'lifted', liftedAt: at(9), liftedBy: 'x' },
    });
    ids.lifted = bl.id;
    const pending = await makeAccount();
    const bp = await makeBlock(pending.account.id, { placedAt: at(0) });
    await db().block.update({ where: { id: bp.id }, data: { status: 'lift_pending' } });
    ids.pending = bp.id;
    // A wave: 30 blocks placed in the same second (a switch writing whole seconds), nothing changed.
    const wave = await makeAccount({ credentials: [`wave-${T0}`] });
    for (let i = 0; i < 30; i++)
      await makeBlock(wave.account.id, {
        placedAt: at(10),
        calls: [{ sipUsername: wave.creds[0]!.username }],
      });
    if (dialect === 'postgresql') await db().$executeRawUnsafe('ANALYZE');
  });

  const all = async (filter: BlocksFilter = {}) => {
    const out: Awaited<ReturnType<typeof listBlocksInForce>>['items'] = [];
    let after: { at: Date; id: string } | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const page = await listBlocksInForce(agent, filter, after);
      out.push(...page.items);
      if (!page.next) break;
      const c = readCursor(timeIdKey, page.next);
      expect(c.ok).toBe(true);
      after = c.key;
    }
    return out;
  };

  it('lists every block in force once, oldest placed first, with the count; not lifted nor lift_pending', async () => {
    const page = await listBlocksInForce(agent);
    expect(page.total).toBe(37);
    expect(page.capped).toBe(false);
    expect(page.items).toHaveLength(25);
    expect(page.items.slice(0, 4).map((b) => b.id)).toEqual([ids.none, ids.partly, ids.suspect, ids.all]);
    const every = await all();
    expect(every).toHaveLength(37);
    expect(new Set(every.map((b) => b.id)).size).toBe(37);
    expect(every.map((b) => b.id)).not.toContain(ids.lifted);
    expect(every.map((b) => b.id)).not.toContain(ids.pending);
    // Ordered by placedAt then id, across the page boundary inside the wave's one second.
    const keys = every.map((b) => [b.placedAt.getTime(), b.id] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(sorted);
    const capped = await listBlocksInForce(agent, {}, null, { countCap: 10 });
    expect(capped).toMatchObject({ total: 10, capped: true });
  });

  it('newest first: the same blocks in reverse, paged', async () => {
    const newest = await all({ order: 'newest' });
    expect(newest.map((b) => b.id)).toEqual((await all()).map((b) => b.id).reverse());
  });

  it('says each block’s progress, open request and latest sign-in since the block', async () => {
    const byId = new Map((await all()).map((b) => [b.id, b]));
    expect(byId.get(ids.none)).toMatchObject({
      progress: { kind: 'none', named: { changed: 0, total: 2 }, suspects: { total: 0 }, unknownNames: 0 },
      openRequestId: null,
      signedInAt: at(5),
    });
    expect(byId.get(ids.partly)).toMatchObject({
      progress: { kind: 'partly', named: { changed: 1, total: 2 } },
      openRequestId: ids.partlyRequest,
      signedInAt: null,
    });
    expect(byId.get(ids.suspect)!.progress).toEqual({
      kind: 'partly',
      named: { changed: 1, total: 1 },
      suspects: { changed: 0, total: 1 },
      unknownNames: 0,
    });
    expect(byId.get(ids.all)!.progress.kind).toBe('all');
    expect(byId.get(ids.manual)!.progress.kind).toBe('nothing');
    expect(byId.get(ids.trunk)!.progress).toMatchObject({ kind: 'nothing', unknownNames: 1 });
    expect(byId.get(ids.before)!.progress).toMatchObject({ kind: 'none', named: { changed: 0, total: 1 } });
  });

  it('filters: no request, no password changed yet, partly changed, and both at once', async () => {
    const idsOf = async (f: BlocksFilter) => (await all(f)).map((b) => b.id);
    expect(await idsOf({ request: 'open' })).toEqual([ids.partly]);
    const noRequest = await idsOf({ request: 'none' });
    expect(noRequest).toHaveLength(36);
    expect(noRequest).not.toContain(ids.partly);
    const none = await idsOf({ passwords: 'none' });
    expect(none.slice(0, 2)).toEqual([ids.none, ids.before]);
    expect(none).toHaveLength(32);
    expect(await idsOf({ passwords: 'partly' })).toEqual([ids.partly, ids.suspect]);
    expect(await idsOf({ passwords: 'all' })).toEqual([ids.all]);
    expect(new Set(await idsOf({ passwords: 'nothing' }))).toEqual(new Set([ids.manual, ids.trunk]));
    expect(await idsOf({ passwords: 'partly', request: 'none' })).toEqual([ids.suspect]);
  });

  it('says it to the agent in English and Spanish: links, progress, request, sign-in, and a labelled filter form', async () => {
    const items = (await all()).filter((b) => [ids.none, ids.partly, ids.suspect, ids.trunk].includes(b.id));
    const en = render(h(BlocksInForceList, { items, timeZone: 'America/New_York', empty: 'none' }));
    expect(en).toContain(
      `href="/staff/accounts/${encodeURIComponent(items[0]!.account.number)}#block-${ids.none}"`,
    );
    expect(en).toContain(`href="/staff/requests/${ids.partlyRequest}"`);
    expect(en).toContain(`<time dateTime="${at(5).toISOString()}">`);
    const words = text(en);
    expect(words).toContain('0 of 2 SIP passwords named by the calls changed');
    expect(words).toContain('1 of 2 SIP passwords named by the calls changed');
    expect(words).toContain(
      '1 of 1 SIP password named by the calls changed · 1 suspect password still to change',
    );
    expect(words).toContain('No SIP password change can lift it: a person must');
    // A row whose one change so far was a suspect's says so (a tester, 2026-12-07).
    const suspectOnly = {
      ...items[0]!,
      progress: {
        kind: 'partly' as const,
        named: { changed: 0, total: 1 },
        suspects: { changed: 1, total: 1 },
        unknownNames: 0,
      },
    };
    const one = text(render(h(BlocksInForceList, { items: [suspectOnly], timeZone: 'UTC', empty: 'none' })));
    expect(one).toContain('0 of 1 SIP password named by the calls changed · 1 suspect password changed');
    expect(words).toMatch(/No unblock request · A member signed in Oct 31, 2026, 8:05 PM GMT-4/);
    expect(words).toContain('Unblock request waiting · No member has signed in since the block');
    expect(words).toMatch(/Placed .+, \d+ days ago/);
    const es = text(render(h(BlocksInForceList, { items, timeZone: 'UTC', empty: 'none' }), 'es'));
    expect(es).toContain('1 de 2 contraseñas SIP usadas en las llamadas cambiadas');
    expect(es).toContain('Ningún miembro ha iniciado sesión desde el bloqueo');
    expect(es).toMatch(/Puesto el .+, hace \d+ días/);
    expect(es).not.toMatch(/switch/i);
    const form = render(h(BlocksInForceFilters, { filter: { passwords: 'partly' } }));
    expect(form).toMatch(
      /^<form role="search" aria-label="Filter the blocks in force" [^>]*action="\/staff\/blocks" method="get"/,
    );
    for (const [id, label] of [
      ['blocks-request', 'Unblock request'],
      ['blocks-passwords', 'SIP passwords'],
      ['blocks-order', 'Order'],
    ])
      expect(form).toContain(`for="${id}" class="font-medium">${label}</label>`);
    expect(form).toMatch(/<option value="partly" selected="">Partly changed<\/option>/);
  });

  it('reads the filters from the address, leaving out what is no option', () => {
    expect(readBlocksFilter({ request: 'none', passwords: 'partly', order: 'newest' })).toEqual({
      filter: { request: 'none', passwords: 'partly', order: 'newest' },
      bad: [],
    });
    expect(readBlocksFilter({ request: 'x', passwords: ['none', 'all'], order: 'oldest' })).toEqual({
      filter: { passwords: 'none' },
      bad: ['request'],
    });
  });

  it('refuses a customer, and a staff login not past its second factor', async () => {
    await expect(listBlocksInForce(customer)).rejects.toThrow();
    await expect(listBlocksInForce({ ...agent, mfaVerified: false })).rejects.toThrow();
  });

  it('asks the database one statement a page, whatever the page holds', async () => {
    await listBlocksInForce(agent); // prepared, warm
    const raw = vi.spyOn(db(), '$queryRaw');
    const proto =
      dialect === 'sqlite'
        ? (Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
            all: (...args: unknown[]) => unknown;
          })
        : null;
    const runs = proto ? vi.spyOn(proto, 'all') : null;
    try {
      for (const f of [{}, { passwords: 'partly' }, { request: 'none', order: 'newest' }] as BlocksFilter[]) {
        raw.mockClear();
        runs?.mockClear();
        const page = await listBlocksInForce(agent, f);
        expect(page.items.length).toBeGreaterThan(0);
        expect(raw).toHaveBeenCalledTimes(1);
        if (runs) expect(runs.mock.calls.length).toBe(1);
      }
    } finally {
      raw.mockRestore();
      runs?.mockRestore();
    }
  });
});

// A wave big enough for PostgreSQL's planner to prefer an index to reading the table (with the
// statistics it gathers: ANALYZE), and SQLite without statistics, as Tollgate's databases run.
describe.each(dialects())('the blocks in force read on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
    // As in a provider's database: most blocks lifted long ago, one in ten in force.
    const statuses = ['active', 'lift_pending', ...Array<'lifted'>(8).fill('lifted')] as const;
    for (let a = 0; a < 6; a++) {
      const { account } = await makeAccount();
      await db().block.createMany({
        data: Array.from({ length: 1000 }, (_, i) => ({
          accountId: account.id,
          reason: 'high_risk_destination' as const,
          status: statuses[i % 4]!,
          placedAt: at(Math.floor(i / 20)), // two in force a minute: pages end inside one placedAt
          createdAt: at(Math.floor(i / 20)),
          placedBy: 'switch',
        })),
      });
    }
    if (dialect === 'postgresql') await db().$executeRawUnsafe('ANALYZE');
  });

  it('has the index of migration 0038 and reads each page from it, with no sort of the blocks in force', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(shape.tables.Block!.indexes).toContain('status,placedAt,id');
    const cursor = { at: at(10), id: 'x' };
    const views: BlocksFilter[] = [{}, { order: 'newest' }, { request: 'none' }, { passwords: 'none' }];
    for (const f of views) {
      for (const after of [null, cursor]) {
        const statement = blocksInForceSql(f, after, 25, 10_000);
        if (dialect === 'sqlite') {
          const conn = new Database(sqlitePath(url), { readonly: true });
          try {
            conn.exec('DROP TABLE IF EXISTS sqlite_stat1');
            const values = statement.values.map((v) => (v instanceof Date ? v.toISOString() : v));
            const plan = (
              conn.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...values) as { detail: string }[]
            ).map((p) => p.detail);
            const text = plan.join(' | ');
            expect(text).toMatch(
              after
                ? /SEARCH b USING INDEX Block_status_placedAt_id_idx \(status=\? AND placedAt[<>]\?\)/
                : /SEARCH b USING INDEX Block_status_placedAt_id_idx \(status=\?\)/,
            );
            // The count reads an index of the status alone; each member's sign-ins their own range.
            expect(text).toMatch(/SEARCH c USING COVERING INDEX Block_status_\w+_idx \(status=\?\)/);
            expect(text).toMatch(/SEARCH l USING INDEX AuditLog_actorId_at_idx \(actorId=\? AND at>\?\)/);
            expect(text).not.toMatch(/SCAN (b|c|o|t|s|x|u|l|m|w)\b/);
            // The only sort is of the page's 26 rows (the outer ORDER BY), never of the blocks in force.
            expect(
              plan.filter((d) => /TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY/.test(d)),
              text,
            ).toEqual(['USE TEMP B-TREE FOR ORDER BY']);
          } finally {
            conn.close();
          }
        } else {
          const plan = (await db().$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${statement}`))
            .map((r) => r['QUERY PLAN'])
            .join('\n');
          // The page: a Limit straight over the index's walk (no Sort under it); the count, an index
          // alone; the one Sort is the outer ORDER BY of the page's 26 rows.
          const walk = plan.match(
            /Limit {2}\(cost=[^\n]* rows=26 [^]*?Index Scan (Backward )?using "Block_status_placedAt_id_idx" on "Block" b/,
          );
          expect(walk, plan).not.toBeNull();
          expect(walk![0], plan).not.toMatch(/Sort|Materialize/);
          expect(plan).toMatch(/(Index Only Scan using|Bitmap Index Scan on) "Block_status_\w+_idx"/);
          expect(plan.match(/Sort Key/g)).toHaveLength(1);
          expect(plan).toMatch(/^Sort {2}\(cost=[^\n]* rows=26 /);
          expect(plan).not.toMatch(/Seq Scan on "Block"/);
        }
      }
    }
  });
});

import Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { auditFilterSchema, listAudit } from '@/lib/staff/audit-query';
import { encodeCursor } from '@/lib/staff/cursor';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';

// An agent's audit log hides the rows about other staff (lib/staff/audit-query.ts hiddenFromReader)
// with conditions no index answers: the page must stay the index range scan an admin's is (the query
// as it was before), with no sort of the log, whatever the filter (issue 14 goal 2 measures it at
// 1 000 000 rows, bench/staff.ts).

type Captured = { sql: string; args: unknown[] };

/**
 * Every statement the portal's database client sends while `recording` is on, as its driver adapter
 * receives it (SQL and arguments). Installed before the client is made: lib/server/db connects each
 * adapter through the factory's `connect`.
 */
const captured: Captured[] = [];
let recording = false;
for (const factory of [PrismaBetterSqlite3, PrismaPg]) {
  const connect = factory.prototype.connect as unknown as (
    this: unknown,
  ) => Promise<{ queryRaw: (q: Captured) => unknown }>;
  factory.prototype.connect = async function (this: unknown) {
    const adapter = await connect.call(this);
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = (q: Captured) => {
      if (recording) captured.push({ sql: q.sql, args: q.args });
      return queryRaw(q);
    };
    return adapter;
  } as never;
}

const pages = (got: Captured[]) =>
  got.filter((c) => /FROM [`"](\w+[`"]\.[`"])?AuditLog[`"]/.test(c.sql) && /ORDER BY[^]*LIMIT/.test(c.sql));

describe.each(dialects())('the audit log page for an agent on %s', (dialect) => {
  let url: string;
  let agent: CurrentUser;
  let admin: CurrentUser;
  let member: string;
  let account: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
    agent = await makeStaff({ role: 'agent' });
    admin = await makeStaff({ role: 'admin' });
    for (let i = 0; i < 20; i++) await makeStaff({ role: 'agent' });
    const made = await makeAccount();
    member = made.users[0]!.email;
    account = made.account.number;
    // 20 000 rows as the bench's (a quarter each sign-ins, failures, SIP changes, requests), a tenth by staff.
    const db = getDb();
    const series =
      dialect === 'sqlite'
        ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000)`
        : `WITH s(i) AS (SELECT generate_series(1, 20000))`;
    const time =
      dialect === 'sqlite' ? `datetime(1600000000 + i * 3, 'unixepoch')` : `to_timestamp(1600000000 + i * 3)`;
    const cat = (a: string, b: string) => (dialect === 'sqlite' ? `${a} || ${b}` : `${a} || (${b})::text`);
    await db.$executeRawUnsafe(
      `${series} INSERT INTO "AuditLog" (id, at, "actorId", "actorEmail", action, "accountId", ip)
       SELECT ${cat(`'aud_'`, 'i')}, ${time}, CASE WHEN i % 10 = 0 THEN '${admin.id}' ELSE ${cat(`'user_'`, 'i % 500')} END,
         ${cat(`'m'`, 'i % 500')} || '@bench.example',
         CASE i % 4 WHEN 0 THEN 'sign_in.success' WHEN 1 THEN 'sign_in.failure' WHEN 2 THEN 'sip_password.changed' ELSE 'request.submitted' END,
         CASE WHEN i % 100 = 0 THEN '${made.account.id}' ELSE ${cat(`'acct_'`, 'i % 500')} END, '198.51.100.7' FROM s`,
    );
    await db.auditLog.create({
      data: { action: 'sign_in.success', actorId: made.users[0]!.id, actorEmail: member },
    });
    if (dialect === 'postgresql') await db.$executeRawUnsafe('ANALYZE');
  });

  async function plan(c: Captured): Promise<string> {
    if (dialect === 'sqlite') {
      const conn = new Database(sqlitePath(url), { readonly: true });
      try {
        // The values as the adapter binds them (a time as text, a flag as 0 or 1): the plan is the same for any.
        const values = c.args.map((v) =>
          v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? +v : v,
        );
        return (conn.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...values) as { detail: string }[])
          .map((p) => p.detail)
          .join(' | ');
      } finally {
        conn.close();
      }
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${c.sql}`, c.args);
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    } finally {
      await client.end();
    }
  }

  /** The index each page statement of listAudit(reader, filter) reads AuditLog through, and its plans. */
  async function indexes(reader: CurrentUser, filter: Record<string, string>) {
    captured.length = 0;
    recording = true;
    await listAudit(reader, auditFilterSchema.parse(filter)).finally(() => (recording = false));
    const statements = pages(captured);
    expect(statements.length, JSON.stringify(filter)).toBeGreaterThan(0);
    const plans = await Promise.all(statements.map(plan));
    const used = plans.map((p) =>
      [...p.matchAll(/(?:INDEX |using ")(AuditLog_\w+_idx)/g)].map((m) => m[1]).join(','),
    );
    return { used, plans };
  }

  it('reads each page as an admin’s is read: the same index and plan, never a scan of the log', async () => {
    const cursor = encodeCursor([new Date(1600000000_000 + 30000 * 1000), 'aud_10000']);
    const filters: [Record<string, string>, string[]][] = [
      [{}, ['AuditLog_at_idx']],
      [{ before: cursor }, ['AuditLog_at_idx']],
      [{ action: 'sip_password.changed' }, ['AuditLog_action_at_idx']],
      [{ account }, ['AuditLog_accountId_at_idx']],
      [{ actor: member }, ['AuditLog_actorId_at_idx', 'AuditLog_actorEmail_at_idx']],
    ];
    for (const [filter, expected] of filters) {
      const asAgent = await indexes(agent, filter);
      const asAdmin = await indexes(admin, filter);
      const all = asAgent.plans.join('\n');
      expect({ filter, used: asAgent.used }, all).toEqual({ filter, used: asAdmin.used });
      if (dialect === 'sqlite') {
        // Without statistics SQLite picks by the query's shape alone: the filter's (…, at) index.
        // (PostgreSQL picks by its statistics: for an action a quarter of the rows hold, `at`'s.)
        expect({ filter, used: asAgent.used }, all).toEqual({ filter, used: expected });
        // The same plan as the admin's, step for step (SQLite's plan names no filter): the hiding is
        // a check of each row the index yields. The one sort is of the ties within one `at` (by id).
        expect(asAgent.plans, all).toEqual(asAdmin.plans);
        expect(all).not.toMatch(/TEMP B-TREE FOR ORDER BY|SCAN (main\.)?AuditLog *($|\|)/);
      } else {
        // The same plan as the admin's, node for node (costs and the Filter lines aside: the hiding is
        // a filter on the rows the index yields), and never a scan of the whole log.
        const shape = (plans: string[]) =>
          plans.map((p) =>
            p
              .split('\n')
              .filter((l) => !/^\s*(Filter|Rows Removed)/.test(l))
              .map((l) => l.replace(/\s*\(cost=[^)]*\)/, '')),
          );
        expect(shape(asAgent.plans), all).toEqual(shape(asAdmin.plans));
        expect(all).not.toMatch(/Seq Scan on "AuditLog"/);
      }
    }
  });
});

import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { changeSentence, queueChange } from '@/components/staff/queue-change';
import { takeAllowance } from '@/lib/allowances/claim';
import type { CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import { translate } from '@/lib/i18n/translate';
import { releaseRequest, takeRequest } from '@/lib/requests/claim';
import { queueChangesSince, waitingCounts, watchStatement } from '@/lib/requests/queue';
import { getDb } from '@/lib/server/db';
import { accountAllowanceRequests } from '@/lib/staff/account-allowances';
import {
  SWITCH_WAITING_AFTER_MS,
  SWITCH_WAITING_SHOWN,
  switchChangesWaiting,
  switchWaitingStatement,
} from '@/lib/staff/switch-waiting';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';

// The support desk's home sees everything waiting (review of a fraud-wave morning, 2026-12-07):
// the queue's "has changed" notice ignored allowance requests and claims, an account's queue and a
// search hit hid waiting allowance requests, and a lift stuck behind a failing switch appeared nowhere
// once its request had left the queue.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const SEC = 1000;

/** An allowance request waiting for support on `accountId`, sent at `createdAt` (default now). */
const askAllowance = (accountId: string, country: string, createdAt?: Date) =>
  getDb().destinationAllowance.create({
    data: {
      accountId,
      country,
      hours: 4,
      reason: 'Our supplier is there.',
      ...(createdAt ? { createdAt } : {}),
    },
  });

describe.each(dialects())('the staff desk sees everything waiting, on %s', (dialect) => {
  let url: string;
  let agent: CurrentUser;
  let rita: CurrentUser;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
    agent = await makeStaff();
    rita = await makeStaff();
  });

  it('the watch says what changed: allowance requests sent and decided, requests others took or released', async () => {
    const { account, users } = await makeAccount();
    const other = await makeAccount();
    const before = new Date(Date.now() - 60 * SEC);
    const unblock = await Promise.all(
      [0, 1, 2].map(async () => makeRequest(await makeBlock(account.id), users[0].id, { createdAt: before })),
    );
    const [so, ke] = [
      await askAllowance(account.id, 'SO', before),
      await askAllowance(account.id, 'KE', before),
    ];
    // Rita had taken the third before the page was read, and only keeps it meanwhile: no new take.
    await getDb().unblockRequest.update({
      where: { id: unblock[2].id },
      data: { claimedById: rita.id, claimedAt: before, claimedUntil: new Date(Date.now() + 600 * SEC) },
    });
    const read = await waitingCounts(agent, account.number);
    expect(read).toEqual({
      unblock: { pending: 3, capped: false },
      allowance: { pending: 2, capped: false },
    });
    // The page was read 30 s ago; everything below happened since.
    const since = new Date(Date.now() - 30 * SEC);
    expect(await queueChangesSince(agent, since, account.number)).toEqual({
      unblock: { pending: 3, arrived: 0, capped: false, arrivedCapped: false },
      allowance: { pending: 2, arrived: 0, capped: false, arrivedCapped: false },
      taken: 0,
      takenCapped: false,
      released: 0,
      releasedCapped: false,
    });
    await askAllowance(account.id, 'NG'); // a customer asks for an allowance
    await askAllowance(other.account.id, 'GH'); // another account's: not this account's queue
    await getDb().destinationAllowance.update({ where: { id: ke.id }, data: { status: 'denied' } });
    expect((await takeRequest(rita, { requestId: unblock[0].id, from: '' }, meta)).ok).toBe(true);
    expect((await takeAllowance(rita, { requestId: so.id, from: '' }, meta)).ok).toBe(true);
    expect((await takeRequest(agent, { requestId: unblock[1].id, from: '' }, meta)).ok).toBe(true); // mine
    expect((await takeRequest(rita, { requestId: unblock[2].id, from: rita.id }, meta)).ok).toBe(true); // kept
    const changes = await queueChangesSince(agent, since, account.number);
    expect(changes).toEqual({
      unblock: { pending: 3, arrived: 0, capped: false, arrivedCapped: false },
      allowance: { pending: 2, arrived: 1, capped: false, arrivedCapped: false },
      taken: 2,
      takenCapped: false,
      released: 0,
      releasedCapped: false,
    });
    // Rita gives the third back: the list's "Taken by rita@…" on it is out of date.
    expect((await releaseRequest(rita, { requestId: unblock[2].id }, meta)).ok).toBe(true);
    const later = await queueChangesSince(agent, since, account.number);
    expect(later).toMatchObject({ taken: 2, released: 1 });
    // As the agent's notice says it.
    const t = translate('en');
    expect(changeSentence((k, v) => t(`staff.queueWatch.${k}`, v), queueChange(read, later)!)).toBe(
      'Since this list was shown: 1 new allowance request; 1 allowance request decided or closed; ' +
        '2 requests taken by other agents; 1 request released by another agent.',
    );
    // Rita's own view: the agent's take is the one by another; her own takes and release are not.
    expect(await queueChangesSince(rita, since, account.number)).toMatchObject({ taken: 1, released: 0 });
    // The whole queue counts the other account's allowance request too.
    const whole = await queueChangesSince(agent, since);
    expect(whole.allowance.arrived).toBe(2);
    expect(whole.taken).toBe(2);
    // Past the cap the counts stop at it and say so.
    expect((await queueChangesSince(agent, since, account.number, 1)).allowance).toEqual({
      pending: 1,
      arrived: 1,
      capped: true,
      arrivedCapped: false,
    });
    expect(await queueChangesSince(agent, since, account.number, 1)).toMatchObject({
      taken: 1,
      takenCapped: true,
    });
    // Not staff, or staff without the second factor: refused.
    await expect(queueChangesSince({ ...agent, role: 'customer' }, since)).rejects.toThrow();
    await expect(waitingCounts({ ...agent, mfaVerified: false })).rejects.toThrow();
  });

  it("an account's queue lists its waiting allowance requests, with who holds each, and the Taken filter", async () => {
    const { account } = await makeAccount();
    const other = await makeAccount();
    const so = await askAllowance(account.id, 'SO', new Date(Date.now() - 120 * SEC));
    const ke = await askAllowance(account.id, 'KE', new Date(Date.now() - 60 * SEC));
    await getDb().destinationAllowance.create({
      data: { accountId: account.id, country: 'NG', hours: 4, reason: 'old', status: 'denied' },
    });
    await askAllowance(other.account.id, 'SO');
    expect((await takeAllowance(rita, { requestId: ke.id, from: '' }, meta)).ok).toBe(true);
    const all = await accountAllowanceRequests(agent, account.number);
    expect(all.total).toBe(2);
    expect(all.items.map((i) => [i.id, i.country, i.account.number])).toEqual([
      [so.id, 'SO', account.number],
      [ke.id, 'KE', account.number],
    ]);
    expect(all.items[0].claim).toBeNull();
    expect(all.items[1].claim).toMatchObject({ by: rita.email, mine: false });
    const ids = async (taken: 'no' | 'mine' | 'yes', u = agent) =>
      (await accountAllowanceRequests(u, account.number, taken)).items.map((i) => i.id);
    expect(await ids('no')).toEqual([so.id]);
    expect(await ids('yes')).toEqual([ke.id]);
    expect(await ids('mine')).toEqual([]);
    expect(await ids('mine', rita)).toEqual([ke.id]);
    expect(await accountAllowanceRequests(agent, 'ACC-0000000')).toEqual({ items: [], total: 0 });
    await expect(accountAllowanceRequests({ ...agent, role: 'customer' }, account.number)).rejects.toThrow();
  });

  it('lists the changes the switch outbox has been sending for minutes, oldest first, with their last failure', async () => {
    const db = getDb();
    const { account } = await makeAccount();
    // A fixed "now" far from the test's clock: these are the only changes that old in this database.
    const now = new Date(Date.UTC(2004, 5, 1, 12));
    const at = (msBefore: number) => new Date(now.getTime() - msBefore);
    const op = (
      kind: string,
      createdAt: Date,
      payload: object,
      data: Partial<Prisma.SwitchOperationCreateInput> = {},
    ) =>
      db.switchOperation.create({
        data: {
          idempotencyKey: crypto.randomUUID(),
          kind,
          accountNumber: account.number,
          payload: JSON.stringify(payload),
          createdAt,
          nextAttemptAt: new Date(now.getTime() + 60 * SEC),
          ...data,
        },
      });
    const lift = await op(
      'lift',
      at(11 * 60 * SEC),
      { state: 'allowed', reason: 'misdial', actor: 'sam@tollgate.example', requestId: 'req_1' },
      { attempts: 9, lastError: 'unavailable: HTTP 503 unavailable: maintenance' },
    );
    const grant = await op(
      'allowance_put',
      at(5 * 60 * SEC),
      {
        allowanceId: 'alw_1',
        accountId: account.id,
        countries: ['SO'],
        until: now.toISOString(),
        reason: 'r',
        actor: 'a',
      },
      { attempts: 4, lastError: 'timeout: no answer within 5000 ms' },
    );
    await op('block', at(SWITCH_WAITING_AFTER_MS - SEC), { state: 'blocked' }); // under 2 minutes: not yet
    await op('lift', at(20 * 60 * SEC), {}, { status: 'done', completedAt: now }); // confirmed
    const gone = await op('reapply', at(3 * 60 * SEC), { state: 'blocked' }, { accountNumber: 'ACC-GONE' });
    const waiting = await switchChangesWaiting(agent, now);
    expect(waiting.more).toBe(false);
    expect(waiting.quietUntil).toBeNull();
    expect(waiting.items).toEqual([
      {
        id: lift.id,
        kind: 'lift',
        account: { number: account.number, name: account.name },
        since: lift.createdAt,
        attempts: 9,
        lastError: 'unavailable: HTTP 503 unavailable: maintenance',
        // Its own next attempt, a minute ahead: no pause holds it back.
        nextTry: { at: lift.nextAttemptAt, afterPause: false },
        requestId: 'req_1',
        allowance: null,
      },
      expect.objectContaining({
        id: grant.id,
        kind: 'allowance_put',
        allowance: { id: 'alw_1', country: 'SO' },
      }),
      expect.objectContaining({
        id: gone.id,
        account: { number: 'ACC-GONE', name: null },
        attempts: 0,
        lastError: null,
        requestId: null,
        allowance: null,
      }),
    ]);
    // Bounded: the oldest SWITCH_WAITING_SHOWN, and "more".
    await Promise.all(
      Array.from({ length: SWITCH_WAITING_SHOWN }, (_, i) => op('lift', at(30 * 60 * SEC + i * SEC), {})),
    );
    const full = await switchChangesWaiting(agent, now);
    expect(full.items).toHaveLength(SWITCH_WAITING_SHOWN);
    expect(full.more).toBe(true);
    expect(full.items.map((i) => i.since.getTime())).toEqual(
      [...full.items.map((i) => i.since.getTime())].sort((a, b) => a - b),
    );
    await expect(switchChangesWaiting({ ...agent, role: 'customer' }, now)).rejects.toThrow();
  });

  it('has the indexes of migration 0034 that these reads walk', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    // The claim indexes hold only the requests taken now (a read of every waiting one never takes them).
    expect(shape.tables.UnblockRequest!.indexes).toContain('status,claimedAt where claimedAt IS NOT NULL');
    expect(shape.tables.DestinationAllowance!.indexes).toEqual(
      expect.arrayContaining(['status,createdAt', 'status,claimedAt where claimedAt IS NOT NULL']),
    );
    // Partial: only the changes still being sent, not the finished ones retention keeps for 90 days.
    expect(shape.tables.SwitchOperation!.indexes).toContain("status,createdAt where status = 'pending'");
    expect(shape.tables.SwitchOperation!.indexes).not.toContain('status,createdAt');
  });

  it('reads index ranges only on SQLite without statistics, never a walk of a table', async () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    // Through Prisma, so each Date is bound as Prisma binds it.
    const plan = async (s: Prisma.Sql) =>
      (await getDb().$queryRaw<{ detail: string }[]>(Prisma.sql`EXPLAIN QUERY PLAN ${s}`))
        .map((p) => p.detail)
        .join('\n');
    const watch = { since: new Date(), now: new Date(), userId: 'u' };
    for (const account of [undefined, 'ACC-1']) {
      const p = await plan(watchStatement(account, watch, 10_000));
      // Every count is a SEARCH of an index, none a SCAN of a table.
      expect(p, account).not.toMatch(/SCAN (r|a|l)\b/);
      if (!account) {
        expect(p).toMatch(/UnblockRequest_status_createdAt_idx \(status=\? AND createdAt>\?\)/);
        expect(p).toMatch(/UnblockRequest_status_claimedAt_idx \(status=\? AND claimedAt>\?\)/);
        expect(p).toMatch(/DestinationAllowance_status_createdAt_idx \(status=\? AND createdAt>\?\)/);
        expect(p).toMatch(/DestinationAllowance_status_claimedAt_idx \(status=\? AND claimedAt>\?\)/);
        expect(p).toMatch(/AuditLog_action_at_idx \(action=\? AND at>\?\)/);
      } else {
        expect(p).toMatch(/UnblockRequest_accountId_createdAt_idx/);
        expect(p).toMatch(/DestinationAllowance_accountId_status_idx/);
      }
    }
    const list = await plan(switchWaitingStatement(new Date()));
    expect(list).toMatch(/SwitchOperation_status_createdAt_idx \(status=\? AND createdAt<\?\)/);
    expect(list).not.toMatch(/USE TEMP B-TREE FOR ORDER BY|SCAN o\b/);
    // The readiness check's oldest pending change (lib/server/health.ts), as Prisma binds its status:
    // SQLite matches the partial index's term with the value bound, so it stays a range of it too.
    const oldest = await plan(
      Prisma.sql`SELECT "createdAt" FROM "SwitchOperation" WHERE "status" = ${'pending'} ORDER BY "createdAt" ASC LIMIT 1`,
    );
    expect(oldest).toMatch(/SwitchOperation_status_createdAt_idx \(status=\?\)/);
  });
});

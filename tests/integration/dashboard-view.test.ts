import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dashboardView, urgencyOf, type DashboardView } from '@/lib/accounts/dashboard';
import { readDashboardParams, type DashboardParams } from '@/lib/accounts/dashboard-params';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { getDb } from '@/lib/server/db';
import { versionOf } from '@/lib/server/version';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// The dashboard of a member of many accounts (a reseller, an IT contractor, a shared mailbox): the
// accounts that need them first, counts, a filter, a search and pages of 20, in one statement
// scoped to the member's own accounts, on both databases (lib/accounts/dashboard.ts).

const view = (p: Partial<DashboardParams> = {}): DashboardParams => ({ show: 'all', q: '', page: 1, ...p });
const numbers = (v: DashboardView) => v.accounts.map((a) => a.number);

/** A customer login with no account yet. */
async function member() {
  return getDb().user.create({ data: { email: uniqueEmail('many'), role: 'customer' } });
}

/**
 * `count` accounts of `userId` numbered ACC-<stem>00 … (so their number order is known), named
 * "Reseller Client <i>" (i from 0), each with one SIP credential; joined in reverse order.
 */
async function accountsOf(userId: string, count: number, stem: string) {
  const db = getDb();
  const made = [];
  for (let i = 0; i < count; i++) {
    const a = await db.customerAccount.create({
      data: { number: `ACC-${stem}${String(i).padStart(2, '0')}`, name: `Reseller Client ${i}` },
    });
    await db.sipCredential.create({ data: { accountId: a.id, username: `sip-${stem}-${i}`, label: 'PBX' } });
    made.push(a);
  }
  for (const a of [...made].reverse()) await db.membership.create({ data: { userId, accountId: a.id } });
  return made;
}

/** A SIP password change of the account's first credential that the switch never answered. */
async function unanswered(userId: string, accountId: string) {
  const db = getDb();
  const cred = await db.sipCredential.findFirstOrThrow({ where: { accountId } });
  await db.sipPasswordChange.create({ data: { credentialId: cred.id, userId, score: 4, status: 'unknown' } });
}

const stem = () => String(crypto.randomInt(10 ** 7, 10 ** 8));

describe.each(dialects())('the dashboard view on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('shows a member of few accounts every account, those needing them first, whatever the URL says', async () => {
    const user = await member();
    const [plain, waiting, blocked] = await accountsOf(user.id, 3, stem());
    await makeBlock(blocked!.id);
    await unanswered(user.id, waiting!.id);
    // Someone else's blocked account is neither listed nor counted.
    const other = await makeAccount();
    await makeBlock(other.account.id);

    const v = await dashboardView(user.id, view());
    expect(numbers(v)).toEqual([blocked!.number, waiting!.number, plain!.number]);
    expect(v).toMatchObject({
      total: 3,
      blocked: 1,
      attention: 2,
      matching: 3,
      paged: false,
      page: 1,
      pages: 1,
    });
    // The same cards as the full list, in the order of what needs the member.
    const all = await listAccountsForUser(user.id);
    expect(v.accounts).toEqual([blocked, waiting, plain].map((a) => all.find((x) => x.id === a!.id)));
    expect(v.accounts[1]!.credentials[0]!.unsettled).toBe(true);

    // No filter, search or pages to undo one with: the parameters change nothing.
    for (const p of [view({ show: 'attention' }), view({ q: 'nothing like it' }), view({ page: 7 })])
      expect(await dashboardView(user.id, p)).toEqual(v);
  });

  it('pages a member of many accounts, blocked first, then the rest by number, each account once', async () => {
    const user = await member();
    const s = stem();
    const made = await accountsOf(user.id, 45, s);
    // Three blocked (one with two blocks, one lifting), one with a change the switch has not confirmed.
    const blockedIdx = [40, 7, 22];
    for (const i of blockedIdx) await makeBlock(made[i]!.id);
    await makeBlock(made[40]!.id, { placedAt: new Date(Date.now() - 60_000) });
    const lifting = await getDb().block.findFirstOrThrow({ where: { accountId: made[22]!.id } });
    await getDb().block.update({ where: { id: lifting.id }, data: { status: 'lift_pending' } });
    await unanswered(user.id, made[30]!.id);
    // A lifted block and a change the switch confirmed need nothing.
    const old = await makeBlock(made[3]!.id);
    await getDb().block.update({ where: { id: old.id }, data: { status: 'lifted', liftedAt: new Date() } });
    const cred = await getDb().sipCredential.findFirstOrThrow({ where: { accountId: made[4]!.id } });
    await getDb().sipPasswordChange.create({
      data: {
        credentialId: cred.id,
        userId: user.id,
        score: 4,
        status: 'applied',
        switchConfirmedAt: new Date(),
      },
    });

    const expected = [
      ...[7, 22, 40].map((i) => made[i]!.number),
      made[30]!.number,
      ...made.map((a, i) => (blockedIdx.includes(i) || i === 30 ? null : a.number)).filter(Boolean),
    ];
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await dashboardView(user.id, view({ page })));
    expect(pages.map((p) => p.accounts.length)).toEqual([20, 20, 5]);
    expect(pages.flatMap(numbers)).toEqual(expected);
    for (const [i, p] of pages.entries())
      expect(p).toMatchObject({
        total: 45,
        blocked: 3,
        attention: 4,
        matching: 45,
        paged: true,
        page: i + 1,
        pages: 3,
      });
    // The statement's order is the cards' own rule (urgencyOf), as for a member of few accounts.
    expect(pages.flatMap((p) => p.accounts.map(urgencyOf))).toEqual([0, 0, 0, 1, ...Array(41).fill(2)]);
    expect(pages[0]!.accounts.find((a) => a.number === made[40]!.number)!.activeBlock!.inForce).toBe(2);

    // A page past the end is the last page (the page says so); the same view read twice is the same.
    const past = await dashboardView(user.id, view({ page: 999_999 }));
    expect(past).toEqual({ ...pages[2]!, page: 3 });
    expect(versionOf(await dashboardView(user.id, view({ page: 2 })))).toBe(versionOf(pages[1]));

    // Needs attention: the three blocked and the unconfirmed change, nothing else.
    const attention = await dashboardView(user.id, view({ show: 'attention' }));
    expect(numbers(attention)).toEqual(expected.slice(0, 4));
    expect(attention).toMatchObject({ matching: 4, pages: 1, page: 1 });

    // A search by part of the number, by the name in another case, and within the filter.
    const byNumber = await dashboardView(user.id, view({ q: `${s}1` }));
    expect(numbers(byNumber)).toEqual(expected.filter((n) => n!.startsWith(`ACC-${s}1`)));
    expect(byNumber.matching).toBe(10);
    const byName = await dashboardView(user.id, view({ q: 'reseller CLIENT 4' }));
    expect(numbers(byName)).toEqual([
      made[40]!.number,
      made[4]!.number,
      ...made.slice(41).map((a) => a.number),
    ]);
    const both = await dashboardView(user.id, view({ q: 'client 4', show: 'attention' }));
    expect(numbers(both)).toEqual([made[40]!.number]);
    // The search pages too, and a page past its end is its last page.
    const wide = await dashboardView(user.id, view({ q: 'client', page: 2 }));
    expect(wide).toMatchObject({ matching: 45, page: 2, pages: 3 });
    expect(numbers(wide)).toEqual(expected.slice(20, 40));

    // Nothing matches: an empty page that still counts the member's accounts.
    for (const q of ['no such client', '%', '_', '\\', "'; DROP TABLE x; --", '名前 😀']) {
      const none = await dashboardView(user.id, view({ q }));
      expect(none).toMatchObject({
        accounts: [],
        total: 45,
        blocked: 3,
        attention: 4,
        matching: 0,
        page: 1,
        pages: 1,
      });
    }
  });

  it('searches without case or accents on both databases: "pena" finds "PEÑA Telecom", "TELEFONICA" finds "Telefónica"', async () => {
    const user = await member();
    const made = await accountsOf(user.id, 25, stem());
    const names = ['PEÑA Telecom', 'Telefónica Empresas', 'Pena Hermanos', 'Ñandú Redes SRL'];
    for (const [i, name] of names.entries())
      await getDb().customerAccount.update({ where: { id: made[i]!.id }, data: { name } });
    const found = async (q: string) => numbers(await dashboardView(user.id, view({ q })));
    const of = (...idx: number[]) => idx.map((i) => made[i]!.number);

    for (const q of ['pena', 'PENA', 'peña', 'PEÑA', 'pen\u0303a' /* ñ typed as n + combining tilde */])
      expect(await found(q), q).toEqual(of(0, 2));
    for (const q of ['TELEFONICA', 'telefónica', 'Telefo\u0301nica empresas'])
      expect(await found(q), q).toEqual(of(1));
    for (const q of ['ñandú', 'NANDU', 'ñandu redes srl']) expect(await found(q), q).toEqual(of(3));
    // An ñ typed alone is an n, as PostgreSQL's unaccent reads it: every name with an n or an ñ.
    expect(await found('ñ')).toEqual(await found('n'));
    expect(await found('Ñ')).toContain(made[3]!.number);
    // Accents folded, not ignored as letters: a different word still misses.
    for (const q of ['peñas', 'telefónico', 'ñu', 'pena telecom s'])
      expect(await dashboardView(user.id, view({ q })), q).toMatchObject({
        accounts: [],
        matching: 0,
        total: 25,
      });
  });

  it('reads a member of few accounts in one statement, and one of many in two that return one page', async () => {
    const few = await member();
    await accountsOf(few.id, 20, stem());
    const many = await member();
    await accountsOf(many.id, 60, stem());
    const raw = vi.spyOn(getDb(), '$queryRaw');
    expect((await dashboardView(few.id, view({ q: 'x', page: 2 }))).accounts).toHaveLength(20);
    expect(raw).toHaveBeenCalledTimes(1);
    raw.mockClear();
    for (const p of [view(), view({ page: 3 }), view({ q: 'client', show: 'attention' })]) {
      await dashboardView(many.id, p);
      expect(raw).toHaveBeenCalledTimes(2);
      // The first stops at 21 accounts; the second returns the page (one row per credential) and no more.
      const [first, page] = (await Promise.all(raw.mock.results.map((r) => r.value))) as { id: string }[][];
      expect(new Set(first!.map((r) => r.id)).size).toBe(21);
      expect(page!.length).toBeLessThanOrEqual(20);
      raw.mockClear();
    }
    raw.mockRestore();
  });

  it('finds nothing of another member’s accounts, and reads nothing for a stranger', async () => {
    const user = await member();
    await accountsOf(user.id, 21, stem());
    const theirs = await makeAccount();
    await makeBlock(theirs.account.id);
    for (const q of [theirs.account.number, theirs.account.name, theirs.account.number.slice(4)]) {
      const v = await dashboardView(user.id, view({ q }));
      expect(v).toMatchObject({ accounts: [], total: 21, blocked: 0, matching: 0 });
    }
    for (const p of [view(), view({ q: theirs.account.number, page: 2, show: 'attention' })])
      expect(await dashboardView(crypto.randomUUID(), p)).toEqual({
        accounts: [],
        total: 0,
        blocked: 0,
        attention: 0,
        matching: 0,
        paged: false,
        page: 1,
        pages: 1,
      });
  });

  it('answers what the URL cannot make sense of with the first page, never an error', async () => {
    const user = await member();
    await accountsOf(user.id, 25, stem());
    const first = await dashboardView(user.id, view());
    const raws: Record<string, string | string[]>[] = [
      { page: '-1' },
      { page: 'abc' },
      { page: '0' },
      { page: '1e3' },
      { page: '99999999999999999999' },
      { page: ['2', '3'] },
      { show: 'everything' },
      { q: '\u0000\u0001\u007f' },
      { q: ' \u202e ' },
    ];
    for (const raw of raws) {
      const { params } = readDashboardParams(raw);
      expect(await dashboardView(user.id, params), JSON.stringify(raw)).toEqual(
        raw.page?.toString().startsWith('2') ? await dashboardView(user.id, view({ page: 2 })) : first,
      );
    }
    // A 500-character search is cut to 100 and searched; NUL inside a search is dropped, not sent.
    const long = readDashboardParams({ q: 'Reseller Client 1'.padEnd(500, 'x') });
    expect(long.params.q).toHaveLength(100);
    expect((await dashboardView(user.id, long.params)).matching).toBe(0);
    const nul = readDashboardParams({ q: 'Reseller\u0000Client 2' });
    expect(numbers(await dashboardView(user.id, nul.params))).toHaveLength(6); // 2, 20–24
  });

  it('gives a page’s version that changes with that page and the counts, not with another page', async () => {
    const user = await member();
    const made = await accountsOf(user.id, 45, stem());
    const version = async (page: number) => versionOf(await dashboardView(user.id, view({ page })));
    const [p1, p3] = [await version(1), await version(3)];
    // A password changed on an account of page 3: page 1 does not show it.
    const cred = await getDb().sipCredential.findFirstOrThrow({ where: { accountId: made[44]!.id } });
    await getDb().sipCredential.update({ where: { id: cred.id }, data: { passwordChangedAt: new Date() } });
    expect(await version(1)).toBe(p1);
    expect(await version(3)).not.toBe(p3);
    // A block on an account of page 3: it moves to the top of page 1, and the counts change.
    await makeBlock(made[44]!.id);
    expect(await version(1)).not.toBe(p1);
  });
});

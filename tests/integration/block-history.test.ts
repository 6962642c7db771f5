import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountHistory } from '@/components/account-history';
import { blockHistoryForUser, HISTORY_SHOWN, type BlockHistory } from '@/lib/accounts/block-history';
import { getAccountForUser } from '@/lib/accounts/queries';
import { liftedHow } from '@/lib/blocks/ended';
import { confirmLift, requestLift } from '@/lib/blocks/lifecycle';
import { storeNote } from '@/lib/i18n/stored';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent } from '@/tests/helpers/switch-events';

// A tester's account went through 17 blocks, 4 unblock requests and 3 allowance requests: its page and
// the dashboard showed only the current status, and past blocks, their timelines and decisions could
// be reached only through old email links (DESIGN.md: the account holder "reads block status and
// history"). The account page now lists every block of the account (lib/accounts/block-history.ts,
// components/account-history.tsx), newest first, ten a page, scoped to the member in its statement.

const HOUR = 3600_000;

/** A lift of `blockId` decided by `actor` (`policy` or an agent) through the lifecycle, then confirmed by the switch. */
async function liftThroughPortal(block: { id: string; accountId: string }, actor: string) {
  const db = getDb();
  const asked = await db.$transaction((tx) =>
    requestLift(tx, {
      accountId: block.accountId,
      blockIds: [block.id],
      actor,
      reason: 'test',
      by: actor === 'policy' ? 'policy' : 'staff',
    }),
  );
  expect(asked).toMatchObject({ ok: true });
  const op = await db.switchOperation.findFirstOrThrow({
    where: { kind: 'lift', status: 'pending', blockId: block.id },
  });
  await confirmLift(op);
}

/** The history as the account page renders it for a reader of `locale` (in UTC), as plain text per block. */
function rendered(history: BlockHistory, locale: 'en' | 'es'): { text: string; html: string } {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale,
      messages: CATALOGUES[locale],
      timeZone: 'UTC',
      children: h(AccountHistory, { history, base: '/accounts/ACC-1' }),
    }),
  );
  return { html, text: html.replace(/<[^>]+>/g, '\n').replace(/\n+/g, '\n') };
}

/** The text of the list item that links block `id`. */
function rowOf(html: string, id: string): string {
  const li = html.split('<li').find((part) => part.includes(`href="/blocks/${id}"`));
  expect(li, id).toBeDefined();
  return li!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe.each(dialects())('an account’s block history on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /**
   * An account that went through each way a block ends, oldest first: lifted by the unblock policy
   * after a rotation; lifted by support with two requests (one denied, one the lift closed); lifted
   * by the switch's own event (whose actor is an address); lifted before Tollgate kept who lifted it;
   * being lifted; in force with a pending request.
   */
  async function pastBlocks() {
    const db = getDb();
    const { account, users } = await makeAccount();
    const agent = await makeStaff();
    const t0 = Date.now() - 10 * 24 * HOUR;
    const at = (h: number) => new Date(t0 + h * HOUR);
    const rotated = await makeBlock(account.id, { placedAt: at(0) });
    await liftThroughPortal(rotated, 'policy');
    const bySupport = await makeBlock(account.id, { placedAt: at(1), reason: 'hotspot_source_ip' });
    const denied = await makeRequest(bySupport, users[0]!.id, { createdAt: at(1.1) });
    await db.unblockRequest.update({
      where: { id: denied.id },
      data: { status: 'denied', openKey: null, decidedAt: at(1.2), denyReason: 'Not a misdial.' },
    });
    await makeRequest(bySupport, users[0]!.id, { createdAt: at(1.3) });
    await liftThroughPortal(bySupport, agent.email);
    const bySwitch = await makeBlock(account.id, { placedAt: at(2), reason: 'suspicious_pattern' });
    expect((await deliver(liftedEvent(account.number, new Date(), 'noc@provider.example'))).status).toBe(200);
    const legacy = await makeBlock(account.id, { placedAt: at(3) });
    await db.block.update({ where: { id: legacy.id }, data: { status: 'lifted', liftedAt: at(3.5) } });
    const lifting = await makeBlock(account.id, { placedAt: at(4) });
    expect(
      await db.$transaction((tx) =>
        requestLift(tx, {
          accountId: account.id,
          blockIds: [lifting.id],
          actor: agent.email,
          reason: 'test',
          by: 'staff',
        }),
      ),
    ).toMatchObject({ ok: true });
    const inForce = await makeBlock(account.id, { placedAt: at(5), reason: 'manual', placedBy: agent.email });
    await makeRequest(inForce, users[0]!.id);
    return { account, member: users[0]!, agent, rotated, bySupport, bySwitch, legacy, lifting, inForce };
  }

  it('lists every block newest first with its status, how it was lifted and its requests', async () => {
    const b = await pastBlocks();
    const history = await blockHistoryForUser(b.member.id, b.account.number);
    expect(history).toMatchObject({ total: 6, from: 1, more: 0 });
    const lifted = await getDb().block.findMany({
      where: { accountId: b.account.id },
      select: { id: true, liftedAt: true },
    });
    const liftedAt = (id: string) => lifted.find((r) => r.id === id)!.liftedAt;
    expect(history.items).toEqual([
      {
        id: b.inForce.id,
        reason: 'manual',
        status: 'active',
        placedAt: b.inForce.placedAt,
        createdAt: b.inForce.createdAt,
        liftedAt: null,
        liftedHow: null,
        requests: 1,
        latestRequest: 'pending',
      },
      {
        id: b.lifting.id,
        reason: 'high_risk_destination',
        status: 'lift_pending',
        placedAt: b.lifting.placedAt,
        createdAt: b.lifting.createdAt,
        liftedAt: null,
        liftedHow: null,
        requests: 0,
        latestRequest: null,
      },
      {
        id: b.legacy.id,
        reason: 'high_risk_destination',
        status: 'lifted',
        placedAt: b.legacy.placedAt,
        createdAt: b.legacy.createdAt,
        liftedAt: liftedAt(b.legacy.id),
        liftedHow: 'unknown',
        requests: 0,
        latestRequest: null,
      },
      {
        id: b.bySwitch.id,
        reason: 'suspicious_pattern',
        status: 'lifted',
        placedAt: b.bySwitch.placedAt,
        createdAt: b.bySwitch.createdAt,
        liftedAt: liftedAt(b.bySwitch.id),
        // The switch's own lift, though the actor it sent is an address (not a support agent).
        liftedHow: 'switch',
        requests: 0,
        latestRequest: null,
      },
      {
        id: b.bySupport.id,
        reason: 'hotspot_source_ip',
        status: 'lifted',
        placedAt: b.bySupport.placedAt,
        createdAt: b.bySupport.createdAt,
        liftedAt: liftedAt(b.bySupport.id),
        liftedHow: 'support',
        requests: 2,
        // The pending one, closed by the lift: "closed", as the block page names it (not "withdrawn").
        latestRequest: 'closed',
      },
      {
        id: b.rotated.id,
        reason: 'high_risk_destination',
        status: 'lifted',
        placedAt: b.rotated.placedAt,
        createdAt: b.rotated.createdAt,
        liftedAt: liftedAt(b.rotated.id),
        liftedHow: 'rotation',
        requests: 0,
        latestRequest: null,
      },
    ]);
    for (const item of history.items.filter((i) => i.status === 'lifted'))
      expect(item.liftedAt).toBeInstanceOf(Date);
  });

  it('says each status in the block page’s words, in English and in Spanish, each row linking its block', async () => {
    const b = await pastBlocks();
    const history = await blockHistoryForUser(b.member.id, b.account.number);
    const en = rendered(history, 'en').html;
    const es = rendered(history, 'es').html;
    const at = (d: Date | null, locale: 'en' | 'es') =>
      new Intl.DateTimeFormat(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'UTC',
        timeZoneName: 'shortOffset',
      }).format(d!);
    const when = (id: string) => history.items.find((i) => i.id === id)!.liftedAt;
    const row = (html: string, id: string) => rowOf(html, id);

    expect(row(en, b.inForce.id)).toContain(
      'In force · unblock request: Pending: support will call you back',
    );
    expect(row(en, b.inForce.id)).toContain(
      'Our support team blocked international calling on this account.',
    );
    expect(row(en, b.lifting.id)).toContain(
      'Being lifted: waiting for our phone system to confirm · no unblock request was made',
    );
    expect(row(en, b.legacy.id)).toContain(`Lifted on ${at(when(b.legacy.id), 'en')} ·`);
    expect(row(en, b.bySwitch.id)).toContain(
      `Lifted by our phone system on ${at(when(b.bySwitch.id), 'en')} ·`,
    );
    expect(row(en, b.bySupport.id)).toContain(
      `Lifted by support on ${at(when(b.bySupport.id), 'en')} · 2 unblock requests, the latest: Closed without a decision: the block was lifted`,
    );
    expect(row(en, b.rotated.id)).toContain(
      `Lifted on ${at(when(b.rotated.id), 'en')}: every SIP password named in it was changed · no unblock request was made`,
    );
    expect(row(en, b.rotated.id)).toContain('Calls were made to high-cost destinations that fraudsters use.');
    // Placed when, to the second, as the link to the block's page.
    expect(en).toMatch(
      new RegExp(`<a [^>]*href="/blocks/${b.rotated.id}"[^>]*>Block placed [^<]+:\\d\\d:\\d\\d`),
    );

    expect(row(es, b.inForce.id)).toContain(
      'Vigente · solicitud de desbloqueo: Pendiente: soporte le devolverá la llamada',
    );
    expect(row(es, b.lifting.id)).toContain(
      'Levantando el bloqueo: a la espera de que nuestra central lo confirme · no se hizo ninguna solicitud de desbloqueo',
    );
    expect(row(es, b.bySwitch.id)).toContain(
      `Levantado por nuestra central el ${at(when(b.bySwitch.id), 'es')} ·`,
    );
    expect(row(es, b.bySupport.id)).toContain(
      `Levantado por soporte el ${at(when(b.bySupport.id), 'es')} · 2 solicitudes de desbloqueo, la última: Cerrada sin decisión: el bloqueo se levantó`,
    );
    expect(row(es, b.rotated.id)).toContain(
      `Levantado el ${at(when(b.rotated.id), 'es')}: se cambiaron todas las contraseñas SIP que figuran en él`,
    );
    expect(row(es, b.legacy.id)).toContain(`Levantado el ${at(when(b.legacy.id), 'es')} ·`);
    // One page: no pager; the heading names the region.
    expect(en).toContain('<h2 id="history"');
    expect(en).toContain('Block history');
    expect(en).not.toContain('See the older blocks');
    expect(es).toContain('Historial de bloqueos');
  });

  it('says "No blocks yet." for an account never blocked, in both languages', async () => {
    const { account, users } = await makeAccount();
    const none = await blockHistoryForUser(users[0]!.id, account.number);
    expect(none).toEqual({ items: [], total: 0, from: 1, more: 0 });
    expect(rendered(none, 'en').text).toContain('No blocks yet.');
    expect(rendered(none, 'es').text).toContain('Todavía no hay bloqueos.');
  });

  it('pages across a boundary inside blocks placed at the same instant, never repeating or skipping one', async () => {
    const { account, users } = await makeAccount();
    const member = users[0]!.id;
    const t0 = Date.parse('2026-11-20T12:00:00Z');
    // 4 newest at their own times, then 8 at one instant (the first page ends among them), then an older one.
    const blocks = [await makeBlock(account.id, { placedAt: new Date(t0 - HOUR) })];
    for (let i = 0; i < 8; i++) blocks.push(await makeBlock(account.id, { placedAt: new Date(t0) }));
    for (let i = 1; i <= 4; i++)
      blocks.push(await makeBlock(account.id, { placedAt: new Date(t0 + i * 1000) }));
    // The database's own order (placedAt, then id, both descending) is the list's.
    const order = (
      await getDb().block.findMany({
        where: { accountId: account.id },
        orderBy: [{ placedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      })
    ).map((r) => r.id);
    expect(order).toHaveLength(13);

    expect(HISTORY_SHOWN).toBe(10);
    const first = await blockHistoryForUser(member, account.number);
    expect(first.items.map((i) => i.id)).toEqual(order.slice(0, 10));
    expect(first).toMatchObject({ total: 13, from: 1, more: 3 });
    // The cut falls between two blocks of the same instant.
    expect(first.items[9]!.placedAt.getTime()).toBe(t0);
    const second = await blockHistoryForUser(member, account.number, first.items[9]!.id);
    expect(second.items.map((i) => i.id)).toEqual(order.slice(10));
    expect(second.items[0]!.placedAt.getTime()).toBe(t0);
    expect(second).toMatchObject({ total: 13, from: 11, more: 0 });

    // Three at a time: every boundary, most of them inside the run of equal times.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const list: BlockHistory = await blockHistoryForUser(member, account.number, after, 3);
      expect(list.from).toBe(seen.length + 1);
      seen.push(...list.items.map((i) => i.id));
      expect(list.more).toBe(13 - seen.length);
      if (!list.more) break;
      after = list.items.at(-1)!.id;
    }
    expect(seen).toEqual(order);

    // The pager: "3 older blocks", linked after the last one listed; a later page links the newest.
    const p1 = rendered(first, 'en').html;
    expect(p1).toContain('Blocks 1–10 of 13, newest first.');
    expect(p1).toContain('3 older blocks are not listed here.');
    expect(p1).toContain(`href="/accounts/ACC-1?history=${first.items[9]!.id}#history"`);
    const p2 = rendered(second, 'es').html;
    expect(p2).toContain('Bloqueos 11–13 de 13, del más reciente al más antiguo.');
    expect(p2).toContain('href="/accounts/ACC-1#history"');
    expect(p2).toContain('Ver los bloqueos más recientes');
    expect(p2).not.toContain('?history=');
  });

  it('starts with the newest at a tampered cursor, and never fails on one', async () => {
    const { account, users } = await makeAccount();
    const member = users[0]!.id;
    const t0 = Date.parse('2026-11-20T12:00:00Z');
    const blocks = [];
    for (let i = 0; i < 12; i++)
      blocks.push(await makeBlock(account.id, { placedAt: new Date(t0 + i * 1000) }));
    const stranger = await makeAccount();
    const theirs = await makeBlock(stranger.account.id, { placedAt: new Date(t0 + 5500) });
    const newest = await blockHistoryForUser(member, account.number);
    expect(newest).toMatchObject({ total: 12, from: 1, more: 2 });
    for (const wrong of [
      theirs.id, // another account's block: it would start the list at its time
      'nosuchblock',
      'blk\u0000x', // a NUL made PostgreSQL refuse a read
      `${blocks[3]!.id}'--`,
      'A'.repeat(65),
      '',
      blocks[0]!.id, // the oldest: a page past the last shows the first
    ])
      expect(await blockHistoryForUser(member, account.number, wrong), JSON.stringify(wrong)).toEqual(newest);
  });

  it('lists only a member’s own account: nothing for another customer, staff, a former member or an unknown number', async () => {
    const { account, users } = await makeAccount();
    const member = users[0]!.id;
    const mine = await makeBlock(account.id, { placedAt: new Date(Date.parse('2026-11-20T12:00:00Z')) });
    const stranger = await makeAccount();
    const theirs = await makeBlock(stranger.account.id, { placedAt: new Date() });
    const none = { items: [], total: 0, from: 1, more: 0 };

    const own = await blockHistoryForUser(member, account.number);
    expect(own.items.map((i) => i.id)).toEqual([mine.id]);
    // Another customer (a member of an account with a block of its own), also with a cursor of ours.
    const other = stranger.users[0]!.id;
    expect(await blockHistoryForUser(other, account.number)).toEqual(none);
    expect(await blockHistoryForUser(other, account.number, mine.id)).toEqual(none);
    // The page is a 404 for them (its card's read), and their own history does not list ours.
    expect(await getAccountForUser(other, account.number)).toBeNull();
    expect((await blockHistoryForUser(other, stranger.account.number)).items.map((i) => i.id)).toEqual([
      theirs.id,
    ]);
    // A staff login is no member.
    expect(await blockHistoryForUser((await makeStaff()).id, account.number)).toEqual(none);
    // An unknown number, and one with the shape of none.
    expect(await blockHistoryForUser(member, 'ACC-0')).toEqual(none);
    expect(await blockHistoryForUser(member, "ACC-1' OR '1'='1")).toEqual(none);
    // A former member: the membership goes, and so does the history.
    await getDb().membership.deleteMany({ where: { accountId: account.id, userId: member } });
    expect(await blockHistoryForUser(member, account.number)).toEqual(none);
  });
});

describe('how a lifted block was lifted, as a customer reads it', () => {
  it('follows what the lifecycle recorded, never naming an agent', () => {
    const onSwitch = storeNote('history.liftedOnSwitch');
    const confirmed = storeNote('history.liftConfirmed');
    expect(liftedHow('policy', confirmed)).toBe('rotation');
    expect(liftedHow('ana@support.example', confirmed)).toBe('support');
    // The switch's own lift, whatever its `actor` (any text the switch sends, an address too).
    expect(liftedHow('switch', onSwitch)).toBe('switch');
    expect(liftedHow('noc@provider.example', onSwitch)).toBe('switch');
    expect(liftedHow('switch', null)).toBe('switch');
    // Rows written before the notes were stored as catalogue keys.
    expect(liftedHow('noc@provider.example', 'Lifted on the switch')).toBe('switch');
    // Before Tollgate kept who lifted a block.
    expect(liftedHow(null, null)).toBe('unknown');
  });
});

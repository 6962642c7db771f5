import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestAllowance } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import type { Locale } from '@/lib/i18n/locales';
import { translate } from '@/lib/i18n/translate';
import { closedByLift } from '@/lib/requests/closed';
import { submitFirewall, submitMisdial, withdrawRequest } from '@/lib/requests/submit';
import { getDb } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, firewallForm, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { dataOf, inWords, said } from '@/tests/helpers/outcome';

// The request limits (lib/server/rate-limit.ts requestPerBlock, requestPerLogin; lib/requests/submit.ts
// countRequest). A tester (Mona, an office manager) had filed five requests over two earlier blocks,
// none of them waiting; on a new block her allowance request was refused for 24 h with "Please wait for
// support to call you", though support had nothing of hers to call about. A new block is a new
// situation; only filed requests count; a refusal says what is true and changes nothing.

const meta = { ip: '192.0.2.7', userAgent: 'vitest' };
const DAY = 24 * 60 * 60 * 1000;

/** A member's CurrentUser with a zone and language of their own. */
async function member(accountId: string, timeZone = 'UTC', locale: Locale = 'en'): Promise<CurrentUser> {
  const u = await getDb().user.create({
    data: { email: uniqueEmail('m', 'test.example'), role: 'customer', timeZone, locale },
  });
  await getDb().membership.create({ data: { userId: u.id, accountId } });
  return asUser(u);
}

/** A block in force on the account, placed `ago` ms back, with one trigger call to Somalia. */
const blockOn = (account: { id: string }, sipUsername: string, ago = 0) =>
  makeBlock(account.id, { placedAt: new Date(Date.now() - ago), calls: [{ sipUsername }] });

// The member the helpers below act as (set by `as`).
let current: CurrentUser;
const as = (u: CurrentUser) => (current = u);

const misdial = (block: { id: string; calls: { id: string }[] }) =>
  submitMisdial(
    current,
    {
      blockId: block.id,
      'callIds[]': [block.calls[0]!.id],
      intendedNumber: '+1 252 611 2345',
      whatHappened: 'We typed 00252 instead of 1-252 for a supplier.',
      callbackPhone: '+1 202 555 0143',
    },
    meta,
  );
const allowance = (blockId: string, country: string, hours = '6') =>
  requestAllowance(
    current,
    { blockId, country, hours, reason: 'Our supplier there.', callbackPhone: '+1 202 555 0143' },
    meta,
  );

/** A block's lift as the lifecycle leaves its requests: closed (withdrawn, noted), allowances closed. */
async function lifted(blockId: string) {
  const db = getDb();
  await db.block.update({ where: { id: blockId }, data: { status: 'lifted', liftedAt: new Date() } });
  await db.unblockRequest.updateMany({
    where: { blockId, status: 'pending' },
    data: closedByLift(new Date()),
  });
  await db.destinationAllowance.updateMany({
    where: { blockId, status: 'requested' },
    data: { status: 'closed', endReason: 'block_lifted', endedAt: new Date() },
  });
}

/** What a refusal must change: no request, allowance, mail, audit row or block event more. */
async function footprint(accountId: string) {
  const db = getDb();
  return {
    requests: await db.unblockRequest.count({ where: { accountId } }),
    allowances: await db.destinationAllowance.count({ where: { accountId } }),
    mails: await db.mailMessage.count(),
    audits: await db.auditLog.count({ where: { accountId } }),
    events: await db.blockEvent.count({ where: { block: { accountId } } }),
  };
}

/**
 * The refusal `key` in `locale` as the reader must read it, for each minute its "ask again" time may
 * fall on: the window began at `from` (before the first counted request) and the refusal came before
 * `to`, so it ends between from + 24 h and to + 24 h (plus the second the limiter rounds up to).
 */
function expected(
  key: string,
  locale: Locale,
  reader: CurrentUser,
  tag: string,
  from: number,
  to: number,
  extra: Record<string, string> = {},
): string[] {
  const t = translate(locale);
  const out = new Set<string>();
  for (let at = Math.floor((from + DAY) / 60_000) * 60_000; at <= to + DAY + 1000; at += 60_000)
    out.add(
      t(key, {
        at: formatWhen(new Date(at), reader.timeZone, { locale: tag }),
        support: env().SUPPORT_CONTACT,
        ...extra,
      }),
    );
  return [...out];
}

describe.each(dialects())('request limits on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('Mona: five requests over two earlier blocks, none waiting; on a new block her sixth is filed', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const mona = await member(account.id, 'America/New_York');
    const colleague = await member(account.id);
    const sip = creds[0]!.username;

    // The first block: a misdial (withdrawn by a colleague), a firewall request, an allowance; lifted.
    const first = await blockOn(account, sip, 3 * 60 * 60 * 1000);
    as(mona);
    const withdrawn = dataOf(await misdial(first)).requestId;
    expect(said(await withdrawRequest(colleague, withdrawn, meta))).toBe('ok');
    expect(said(await submitFirewall(mona, firewallForm(first.id), meta))).toBe('ok');
    expect(said(await allowance(first.id, 'SO'))).toBe('ok');
    await lifted(first.id);

    // The second block: a misdial and an allowance, both denied; lifted.
    const second = await blockOn(account, sip, 2 * 60 * 60 * 1000);
    const denied = dataOf(await misdial(second)).requestId;
    await getDb().unblockRequest.update({
      where: { id: denied },
      data: { status: 'denied', openKey: null, decidedAt: new Date() },
    });
    const deniedAllowance = dataOf(await allowance(second.id, 'DE')).allowanceId;
    await getDb().destinationAllowance.update({ where: { id: deniedAllowance }, data: { status: 'denied' } });
    await lifted(second.id);

    // A new block, nothing of hers waiting: Somalia, 6 h, is filed and waits for support.
    const third = await blockOn(account, sip);
    const sixth = await allowance(third.id, 'SO', '6');
    expect(inWords(sixth)).toEqual({ ok: true, data: { allowanceId: expect.any(String) } });
    const row = await getDb().destinationAllowance.findUniqueOrThrow({
      where: { id: dataOf(sixth).allowanceId },
    });
    expect(row).toMatchObject({ blockId: third.id, country: 'SO', hours: 6, status: 'requested' });
  });

  it.each([
    ['en', 'America/New_York', 'en-US'],
    ['es', 'America/Mexico_City', 'es'],
  ] as const)(
    'a flood on one block (file, withdraw, five times) is refused in %s with when to ask again and how to reach support, and changes nothing',
    async (locale, zone, tag) => {
      const { account, creds } = await makeAccount({ members: [] });
      const ana = await member(account.id, zone, locale);
      const block = await blockOn(account, creds[0]!.username);
      as(ana);
      const from = Date.now();
      for (let i = 0; i < 5; i++) {
        const filed = dataOf(await misdial(block)).requestId;
        expect(said(await withdrawRequest(ana, filed, meta))).toBe('ok');
      }
      const before = await footprint(account.id);

      const refused = await misdial(block);
      const to = Date.now();
      const words = inWords(refused, locale);
      expect(words).toMatchObject({ ok: false, code: 'throttled' });
      expect(expected('outcome.request.tooManyBlock', locale, ana, tag, from, to)).toContain(words.message);
      // An allowance request on the same block is the same flood.
      expect(said(await allowance(block.id, 'SO'))).toBe('outcome.request.tooManyBlock');
      expect(await footprint(account.id)).toEqual(before);

      // A colleague is not held back, and a new block is a new situation for Ana.
      as(await member(account.id));
      expect(said(await misdial(block))).toBe('ok');
      const next = await blockOn(account, creds[0]!.username);
      as(ana);
      expect(said(await allowance(next.id, 'SO'))).toBe('ok');
    },
  );

  it('another member withdrawing a request spends none of its sender’s: five rounds, and a sixth is filed', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const [mona, ivan] = [await member(account.id), await member(account.id)];
    const block = await blockOn(account, creds[0]!.username);
    for (let i = 0; i < 6; i++) {
      as(mona);
      const filed = dataOf(await misdial(block)).requestId;
      // Ivan withdraws each: before, Mona's sixth was refused for the day.
      expect(said(await withdrawRequest(ivan, filed, meta))).toBe('ok');
    }
    // Her own withdrawals still count: five more of those and she is held back on the block.
    as(mona);
    for (let i = 0; i < 5; i++)
      expect(said(await withdrawRequest(mona, dataOf(await misdial(block)).requestId, meta))).toBe('ok');
    expect(said(await misdial(block))).toBe('outcome.request.tooManyBlock');
  });

  it('with a request of theirs waiting, the refusal says support will call about it, sent at …', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const bea = await member(account.id, 'Europe/Madrid', 'es');
    const block = await blockOn(account, creds[0]!.username);
    as(bea);
    const from = Date.now();
    expect(said(await misdial(block))).toBe('ok');
    for (const country of ['SO', 'DE', 'FR', 'GB'])
      expect(said(await allowance(block.id, country))).toBe('ok');
    const newest = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id, country: 'GB' },
    });
    const before = await footprint(account.id);

    const refused = await allowance(block.id, 'IT');
    const to = Date.now();
    const sent = formatWhen(newest.createdAt, 'Europe/Madrid', { locale: 'es' });
    const words = inWords(refused, 'es');
    expect(words).toMatchObject({ ok: false, code: 'throttled' });
    expect(expected('outcome.request.waiting', 'es', bea, 'es', from, to, { sent })).toContain(words.message);
    expect(inWords(refused, 'en').message).toContain(`the request you sent on ${sent}`);
    expect(await footprint(account.id)).toEqual(before);
  });

  it('a request not filed (already open, the country already asked for) is not counted', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const cal = await member(account.id);
    const block = await blockOn(account, creds[0]!.username);
    as(cal);
    const open = dataOf(await misdial(block)).requestId;
    expect(said(await allowance(block.id, 'SO'))).toBe('ok');
    for (let i = 0; i < 4; i++) {
      expect(said(await misdial(block))).toBe('outcome.request.alreadyOpen');
      expect(said(await allowance(block.id, 'SO'))).toBe('outcome.allowance.open');
    }
    expect(said(await withdrawRequest(cal, open, meta))).toBe('ok');
    // Filed: 2, 3, 4, 5 on this block; the eight refusals above spent nothing.
    const again = dataOf(await misdial(block)).requestId;
    expect(said(await withdrawRequest(cal, again, meta))).toBe('ok');
    expect(said(await allowance(block.id, 'DE'))).toBe('ok');
    expect(said(await allowance(block.id, 'FR'))).toBe('ok');
    expect(said(await allowance(block.id, 'GB'))).toBe('outcome.request.waiting');
  });

  it('a burst sent at once files no more than the block allows', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const dan = await member(account.id);
    const block = await blockOn(account, creds[0]!.username);
    as(dan);
    const answers = await Promise.all(
      ['SO', 'DE', 'FR', 'GB', 'IT', 'PT', 'NL', 'BE'].map((c) => allowance(block.id, c)),
    );
    expect(answers.filter((r) => r.ok)).toHaveLength(5);
    expect(answers.filter((r) => !r.ok && r.code === 'throttled')).toHaveLength(3);
    expect(await getDb().destinationAllowance.count({ where: { accountId: account.id } })).toBe(5);
  });

  it('past the login ceiling across blocks, the refusal says so, and the new block spends nothing', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    const eve = await member(account.id, 'Asia/Tokyo');
    const sip = creds[0]!.username;
    as(eve);
    const from = Date.now();
    for (let b = 0; b < 4; b++) {
      const block = await blockOn(account, sip, (5 - b) * 60_000);
      for (let i = 0; i < 5; i++) {
        const filed = dataOf(await misdial(block)).requestId;
        expect(said(await withdrawRequest(eve, filed, meta))).toBe('ok');
      }
    }
    const fifth = await blockOn(account, sip);
    const before = await footprint(account.id);
    const refused = await misdial(fifth);
    const to = Date.now();
    const words = inWords(refused);
    expect(words).toMatchObject({ ok: false, code: 'throttled' });
    expect(expected('outcome.request.tooManyLogin', 'en', eve, 'en-US', from, to)).toContain(words.message);
    expect(await footprint(account.id)).toEqual(before);
    // The refused attempt's point on the new block's counter was given back.
    const key = `requestPerBlock:${crypto.createHash('sha256').update(`${eve.id} ${fifth.id}`.toLowerCase()).digest('base64url')}`;
    const counter = await getDb().rateLimiterFlexible.findUnique({ where: { key } });
    expect(counter?.points ?? 0).toBe(0);
  });
});

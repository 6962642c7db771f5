import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAccountForUser, listAccountsForUser, memberOf } from '@/lib/accounts/queries';
import { accountsOfMember } from '@/lib/accounts/reader-scope';
import { userOfSession } from '@/lib/auth/session';
import { confirmPlace, reconcileAccount } from '@/lib/blocks/lifecycle';
import {
  blockAccountNumberForUser,
  blockOfAccount,
  getBlockForUser,
  OPEN_BLOCKS_SHOWN,
  otherOpenBlocksForUser,
} from '@/lib/blocks/queries';
import { requestAccountNumberForStaff } from '@/lib/requests/detail';
import { unsettledChange } from '@/lib/credentials/reset';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { versionOf } from '@/lib/server/version';
import { blockPageDataFor } from '@/lib/blocks/page-version';
import { makeAccount, makeBlock, makeRequest, makeStaff, makeUserWithSession } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// Issue 14 goal 1: the customer pages' per-request reads in one raw statement each (session + user,
// the dashboard's accounts with their open block and credentials, the block page's block). Same answers as the Prisma
// `include`s they replace, on both databases.

describe.each(dialects())('per-request page reads on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  describe('accountsOfMember (the "not on your accounts" page, rendered with every block page)', () => {
    it('lists exactly the login’s accounts by number, as the per-account EXISTS filter did', async () => {
      const db = getDb();
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push((await makeAccount()).account);
      for (let i = 0; i < 2; i++) await makeAccount(); // other logins' accounts
      const user = await db.user.create({ data: { email: uniqueEmail('reader'), role: 'customer' } });
      // Joined in an order that is not the accounts' number order.
      for (const a of [mine[1]!, mine[2]!, mine[0]!])
        await db.membership.create({ data: { userId: user.id, accountId: a.id } });
      const listed = await accountsOfMember(user.id);
      expect(listed).toEqual(
        mine
          .map((a) => ({ id: a.id, number: a.number, name: a.name }))
          .sort((x, y) => (x.number < y.number ? -1 : 1)),
      );
      // The statement it replaced (Prisma's `memberships: { some }`), same rows in the same order.
      expect(listed).toEqual(
        await db.customerAccount.findMany({
          where: memberOf(user.id),
          select: { id: true, number: true, name: true },
          orderBy: { number: 'asc' },
        }),
      );
      const none = await db.user.create({ data: { email: uniqueEmail('none'), role: 'customer' } });
      expect(await accountsOfMember(none.id)).toEqual([]);
    });
  });

  describe('userOfSession', () => {
    it('gives the session’s user with its flags, and nothing for an unknown token', async () => {
      const { u, s } = await makeUserWithSession('agent', { secret: 'JBSWY3DPEHPK3PXP' });
      await getDb().user.update({
        where: { id: u.id },
        data: { name: 'Sam', timeZone: 'Europe/Madrid', locale: 'es', localeChosenAt: new Date() },
      });
      expect(await userOfSession(s.sessionToken)).toEqual({
        id: u.id,
        email: u.email,
        name: 'Sam',
        role: 'agent',
        timeZone: 'Europe/Madrid',
        locale: 'es',
        localeChosen: true,
        accountCountry: null,
        sessionId: s.id,
        mfaEnrolled: true,
        mfaVerified: false,
      });
      await getDb().session.update({ where: { id: s.id }, data: { mfaVerifiedAt: new Date() } });
      expect(await userOfSession(s.sessionToken)).toMatchObject({ mfaVerified: true });
      expect(await userOfSession(crypto.randomUUID())).toBeNull();
    });

    it('gives a customer without a second factor or a chosen language their defaults', async () => {
      const { u, s } = await makeUserWithSession('customer');
      expect(await userOfSession(s.sessionToken)).toEqual({
        id: u.id,
        email: u.email,
        name: null,
        role: 'customer',
        timeZone: 'UTC',
        locale: 'en',
        localeChosen: false,
        accountCountry: null,
        sessionId: s.id,
        mfaEnrolled: false,
        mfaVerified: false,
      });
    });

    it('gives the one country of the user’s accounts, and none when they are in several', async () => {
      const db = getDb();
      const { u, s } = await makeUserWithSession('customer');
      const mx = await makeAccount({ members: [] });
      await db.customerAccount.update({ where: { id: mx.account.id }, data: { country: 'MX' } });
      await db.membership.create({ data: { userId: u.id, accountId: mx.account.id } });
      expect(await userOfSession(s.sessionToken)).toMatchObject({ accountCountry: 'MX' });
      // A second account in the same country changes nothing; one in another country: no single country.
      const mx2 = await makeAccount({ members: [] });
      await db.customerAccount.update({ where: { id: mx2.account.id }, data: { country: 'MX' } });
      await db.membership.create({ data: { userId: u.id, accountId: mx2.account.id } });
      expect(await userOfSession(s.sessionToken)).toMatchObject({ accountCountry: 'MX' });
      const es = await makeAccount({ members: [] });
      await db.customerAccount.update({ where: { id: es.account.id }, data: { country: 'ES' } });
      await db.membership.create({ data: { userId: u.id, accountId: es.account.id } });
      expect(await userOfSession(s.sessionToken)).toMatchObject({ accountCountry: null });
    });

    it('refuses an expired session and a disabled user', async () => {
      const expired = await makeUserWithSession('customer');
      await getDb().session.update({
        where: { id: expired.s.id },
        data: { expires: new Date(Date.now() - 1000) },
      });
      expect(await userOfSession(expired.s.sessionToken)).toBeNull();

      const disabled = await makeUserWithSession('customer');
      expect(await userOfSession(disabled.s.sessionToken)).not.toBeNull();
      await getDb().user.update({ where: { id: disabled.u.id }, data: { disabled: true } });
      expect(await userOfSession(disabled.s.sessionToken)).toBeNull();
    });
  });

  describe('listAccountsForUser / getAccountForUser', () => {
    it('lists only the member’s accounts by number, each with its latest open block and credentials by username', async () => {
      const db = getDb();
      const one = await makeAccount({ credentials: ['zeta-desk', 'alpha-pbx'] });
      const user = one.users[0]!;
      // A second account of the same user, no credentials, never blocked.
      const two = await makeAccount({ members: [], credentials: [] });
      await db.membership.create({ data: { userId: user.id, accountId: two.account.id } });
      // Someone else's account is never listed.
      const other = await makeAccount();
      await makeBlock(other.account.id);

      const older = await makeBlock(one.account.id, { placedAt: new Date('2026-11-01T10:00:00Z') });
      const newer = await makeBlock(one.account.id, {
        placedAt: new Date('2026-11-02T10:00:00Z'),
        reason: 'manual',
      });
      const lifted = await makeBlock(one.account.id, { placedAt: new Date('2026-11-03T10:00:00Z') });
      await db.block.update({ where: { id: lifted.id }, data: { status: 'lifted', liftedAt: new Date() } });
      await db.block.update({ where: { id: newer.id }, data: { status: 'lift_pending' } });
      const changedAt = new Date('2026-11-04T08:30:00Z');
      await db.sipCredential.update({
        where: { id: one.creds[0]!.id },
        data: { passwordChangedAt: changedAt, passwordScore: 3 },
      });
      // A later change of zeta-desk got no answer from the switch (a timeout, or a restart in the
      // middle): the card says the date shown may not be the password in force.
      await db.sipPasswordChange.create({
        data: { credentialId: one.creds[0]!.id, userId: user.id, score: 4, status: 'unknown' },
      });

      const list = await listAccountsForUser(user.id);
      expect(list.map((a) => a.number)).toEqual([one.account.number, two.account.number].sort());
      const a = list.find((x) => x.id === one.account.id)!;
      expect(a).toEqual({
        id: one.account.id,
        number: one.account.number,
        name: one.account.name,
        // Two blocks in force: the newest is the one to open, but calling stopped with the older one.
        activeBlock: {
          id: newer.id,
          reason: 'manual',
          status: 'lift_pending',
          placedAt: newer.placedAt,
          since: older.placedAt,
          inForce: 2,
        },
        blockOnItsWay: false,
        credentials: [
          {
            id: one.creds[1]!.id,
            username: 'alpha-pbx',
            label: 'alpha-pbx',
            passwordChangedAt: null,
            passwordScore: null,
            unsettled: false,
            unsettledCause: null,
          },
          {
            id: one.creds[0]!.id,
            username: 'zeta-desk',
            label: 'zeta-desk',
            passwordChangedAt: changedAt,
            passwordScore: 3,
            unsettled: true,
            // No error stored: no answer came (lib/credentials/change-state.ts unknownCause).
            unsettledCause: 'no_answer',
          },
        ],
      });
      expect(list.find((x) => x.id === two.account.id)).toEqual({
        id: two.account.id,
        number: two.account.number,
        name: two.account.name,
        activeBlock: null,
        blockOnItsWay: false,
        credentials: [],
      });

      // A newer change the switch confirmed, its completion not yet recorded (still `sending`): settled
      // for the card as for the reset page (lib/credentials/change-state.ts, one rule for both).
      await db.sipPasswordChange.create({
        data: {
          credentialId: one.creds[0]!.id,
          userId: user.id,
          score: 4,
          status: 'sending',
          switchConfirmedAt: new Date(),
          createdAt: new Date(Date.now() + 1000),
        },
      });
      const settled = (await listAccountsForUser(user.id)).find((x) => x.id === one.account.id)!;
      expect(settled.credentials.map((c) => [c.username, c.unsettled])).toEqual([
        ['alpha-pbx', false],
        ['zeta-desk', false],
      ]);
      expect(await unsettledChange(one.creds[0]!.id)).toBeNull();

      // The newer open block lifted: the older one is the account's open block again.
      await db.block.update({ where: { id: newer.id }, data: { status: 'lifted', liftedAt: new Date() } });
      expect((await getAccountForUser(user.id, one.account.number))?.activeBlock).toEqual({
        id: older.id,
        reason: 'high_risk_destination',
        status: 'active',
        placedAt: older.placedAt,
        since: older.placedAt,
        inForce: 1,
      });
      expect(await getAccountForUser(user.id, other.account.number)).toBeNull();
      expect(await getAccountForUser(user.id, 'ACC-0')).toBeNull();
      expect(await listAccountsForUser(crypto.randomUUID())).toEqual([]);
    });
  });

  describe('the account number in a page title', () => {
    it('is the member’s block’s account, and nothing for anyone else’s; a request’s for staff only', async () => {
      const mine = await makeAccount({ credentials: [] });
      const theirs = await makeAccount({ credentials: [] });
      const block = await makeBlock(mine.account.id);
      const other = await makeBlock(theirs.account.id);
      const user = mine.users[0]!;
      expect(await blockAccountNumberForUser(user.id, block.id)).toBe(mine.account.number);
      expect(await blockAccountNumberForUser(user.id, other.id)).toBeNull();
      expect(await blockAccountNumberForUser(user.id, 'nope')).toBeNull();
      const request = await makeRequest(other, theirs.users[0]!.id);
      const staff = await makeStaff();
      expect(await requestAccountNumberForStaff(staff, request.id)).toBe(theirs.account.number);
      expect(await requestAccountNumberForStaff(staff, 'nope')).toBeNull();
      const unverified = await makeStaff({ mfaVerified: false });
      const { me: customer } = await makeUserWithSession('customer');
      for (const someone of [unverified, customer, null])
        await expect(requestAccountNumberForStaff(someone, request.id)).rejects.toThrow();
    });
  });

  describe('blockOfAccount', () => {
    // The reset page's "back" link (?block=): only a block of the credential's own account (break-19
    // saw another account's block id put in the link, a 404 once followed).
    it('gives a block of the account, and null for another account’s block or any other text', async () => {
      const mine = await makeAccount({ members: [], credentials: [] });
      const theirs = await makeAccount({ members: [], credentials: [] });
      const block = await makeBlock(mine.account.id);
      const other = await makeBlock(theirs.account.id);
      expect(await blockOfAccount(mine.account.id, block.id)).toBe(block.id);
      expect(await blockOfAccount(mine.account.id, other.id)).toBeNull();
      // Text no row id has: PostgreSQL refused the NUL ("invalid byte sequence for encoding UTF8:
      // 0x00"), which made the reset page a 500 (review, session 33); the other control characters,
      // upper case, white space, a Unicode look-alike and a LIKE wildcard are of the same kind.
      for (const text of [
        '',
        'nope',
        `${block.id}'`,
        'x'.repeat(65),
        '\u0000',
        `${block.id}\u0000`,
        `${block.id}\u001f`,
        `${block.id}\u007f`,
        block.id.toUpperCase(),
        ` ${block.id}`,
        `${block.id}\n`,
        block.id.replace(/[a-z]/, 'а'),
        `${block.id.slice(0, -1)}%`,
      ])
        expect(await blockOfAccount(mine.account.id, text)).toBeNull();
    });
  });

  describe('the versions an open page watches (lib/server/version.ts)', () => {
    it('stay equal while nothing the page shows changes, and change with what the switch and support do', async () => {
      const { account, users, creds } = await makeAccount();
      const user = users[0]!;
      const dashboard = async () => versionOf(await listAccountsForUser(user.id));
      const d0 = await dashboard();
      // Calls of one second to three numbers, twice each: ties the page's ordering must settle the same way every time.
      const e = placedEvent(account.number, { from: [creds[0]!.username] });
      const to = ['+252611234567', '+2694123456', '+881631234567'];
      e.data.calls = [...to, ...to].map((n) => ({ at: e.occurredAt, from: creds[1]!.username, to: n }));
      expect((await deliver(e)).status).toBe(200);
      const block = await getDb().block.findFirstOrThrow({ where: { accountId: account.id } });
      const page = async () => versionOf(await blockPageDataFor(user.id, block.id));
      const [b1, d1] = [await page(), await dashboard()];
      expect(d1).not.toBe(d0); // a block on the dashboard
      expect(await page()).toBe(b1);
      expect(await dashboard()).toBe(d1);

      // Another customer's block changes neither.
      const other = await makeAccount();
      expect((await deliver(placedEvent(other.account.number))).status).toBe(200);
      expect([await page(), await dashboard()]).toEqual([b1, d1]);

      // A request on the block: the block page shows it.
      await makeRequest(block, user.id);
      const b2 = await page();
      expect(b2).not.toBe(b1);

      // An allowance asked, then denied by an agent: only its own row changes, and the page shows it.
      const allowance = await getDb().destinationAllowance.create({
        data: { accountId: account.id, blockId: block.id, country: 'SO', hours: 4, reason: 'supplier call' },
      });
      const b3 = await page();
      expect(b3).not.toBe(b2);
      await getDb().destinationAllowance.update({
        where: { id: allowance.id },
        data: { status: 'denied', decidedAt: new Date(), decisionNote: 'call us' },
      });
      const b4 = await page();
      expect(b4).not.toBe(b3);

      // The switch lifts it: both pages.
      expect((await deliver(liftedEvent(account.number))).status).toBe(200);
      expect(await page()).not.toBe(b4);
      expect(await dashboard()).not.toBe(d1);
    });
  });

  describe('getBlockForUser', () => {
    it('lists calls of the same second in the order the switch sent them', async () => {
      const { account, users, creds } = await makeAccount();
      const e = placedEvent(account.number, { from: [creds[0]!.username] });
      const second = e.occurredAt;
      const sent = ['+34912345678', '+525512345678', '+541123456789', '+573001234567', '+56223456789'];
      const more = ['+5112345678', '+12125550100', '+442079460958', '+33142685300', '+4930901820'];
      e.data.calls = [...sent, ...more].map((to) => ({ at: second, from: creds[0]!.username, to }));
      expect((await deliver(e)).status).toBe(200);
      const block = await getDb().block.findFirstOrThrow({ where: { accountId: account.id } });
      const calls = (await getBlockForUser(users[0]!.id, block.id))!.calls;
      expect(calls.map((c) => c.to)).toEqual([...sent, ...more]);
    });

    it('heads a block Tollgate placed again as that, never as a lift asked or a block by support', async () => {
      const db = getDb();
      const { account, users } = await makeAccount();
      const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
      await db.blockEvent.create({
        data: { blockId: block.id, type: 'placed', at: block.placedAt, actor: 'switch' },
      });
      // The reconciler finds the switch allowing calls twice: Tollgate places the block again.
      const allowed = {
        accountNumber: account.number,
        internationalCalling: 'allowed' as const,
        blockedAt: null,
        reason: null,
      };
      expect(await reconcileAccount(account.id, allowed, new Date())).toBe('difference_seen');
      expect(await reconcileAccount(account.id, allowed, new Date())).toBe('reapplied_on_switch');
      const op = await db.switchOperation.findFirstOrThrow({ where: { blockId: block.id, kind: 'reapply' } });
      await confirmPlace(op);
      const titles = (await getBlockForUser(users[0]!.id, block.id))!.events.map((e) => e.title);
      expect(titles).toEqual(['placed', 'reapply_requested', 'placed_again']);
    });

    it('reads the member’s block with its account, credentials, calls, timeline, requests and other open block', async () => {
      const db = getDb();
      const { account, users, creds } = await makeAccount({ credentials: ['zz-desk', 'aa-pbx'] });
      const user = users[0]!;
      const placedAt = new Date('2026-11-20T12:00:00Z');
      const block = await makeBlock(account.id, {
        placedAt,
        calls: [
          { sipUsername: 'zz-desk', at: new Date('2026-11-20T11:59:00Z') },
          { sipUsername: 'trunk-9', at: new Date('2026-11-20T11:58:00Z'), durationSec: 42 },
        ],
      });
      await db.blockEvent.createMany({
        data: [
          { blockId: block.id, type: 'placed', at: placedAt, actor: 'switch' },
          {
            blockId: block.id,
            type: 'request_submitted',
            at: new Date('2026-11-20T13:00:00Z'),
            actor: user.id,
          },
        ],
      });
      const request = await makeRequest(block, user.id);
      const rotatedAt = new Date('2026-11-21T09:00:00Z');
      await db.sipCredential.update({
        where: { id: creds[0]!.id },
        data: { passwordChangedAt: rotatedAt, passwordScore: 4 },
      });
      const later = await makeBlock(account.id, { placedAt: new Date('2026-11-22T12:00:00Z') });

      const view = await getBlockForUser(user.id, block.id);
      expect(view).toEqual({
        id: block.id,
        reason: 'high_risk_destination',
        status: 'active',
        placedAt,
        createdAt: placedAt, // the factory records it at placedAt
        liftedAt: null,
        liftRefused: false,
        note: null,
        account: { id: account.id, number: account.number, name: account.name, country: 'US' },
        calls: [...block.calls]
          .sort((a, b) => a.at.getTime() - b.at.getTime())
          .map((c) => ({
            id: c.id,
            at: c.at,
            sipUsername: c.sipUsername,
            to: c.to,
            sourceIp: c.sourceIp,
            durationSec: c.durationSec,
          })),
        callCount: 2,
        callsNotKept: 0,
        // The values most calls name (ties by value), how many distinct ones, and the calls of each
        // (lib/blocks/call-overview.ts).
        top: {
          to: { values: ['+252611234567'], distinct: 1, counts: [2] },
          sipUsername: { values: ['trunk-9', 'zz-desk'], distinct: 2, counts: [1, 1] },
          sourceIp: { values: ['203.0.113.9'], distinct: 1, counts: [2], unreported: 0 },
        },
        sourceIps: ['203.0.113.9'],
        destinations: { numbers: ['+252611234567'], unreadable: 0 },
        events: [
          expect.objectContaining({ type: 'placed', at: placedAt, actor: 'switch', detail: null }),
          expect.objectContaining({ type: 'request_submitted', actor: null }),
        ],
        requests: [
          {
            id: request.id,
            kind: 'misdial',
            status: 'pending',
            createdAt: request.createdAt,
            decidedAt: null,
            denyReason: null,
            // A denial's callback note (lib/requests/denial-callback.ts), read for the request list.
            decisionNote: null,
            submittedBy: { is: 'you' },
            withdrawnBy: null,
          },
        ],
        ended: null, // in force: how it ended is said once lifted (lib/blocks/ended.ts)
        credentials: [
          {
            id: creds[1]!.id,
            username: 'aa-pbx',
            label: 'aa-pbx',
            passwordChangedAt: null,
            passwordScore: null,
            named: false,
            suspected: null,
            rotatedSinceBlock: false,
            unsettled: false,
            unsettledCause: null,
          },
          {
            id: creds[0]!.id,
            username: 'zz-desk',
            label: 'zz-desk',
            passwordChangedAt: rotatedAt,
            passwordScore: 4,
            named: true,
            suspected: null,
            rotatedSinceBlock: true,
            unsettled: false,
            unsettledCause: null,
          },
        ],
        otherOpenBlockId: later.id,
        otherOpenBlockActive: true,
        otherOpenBlockCount: 1,
        otherOpenBlocks: null, // one other block: the page links it, no list
        blockOnItsWay: false,
        unknownNames: ['trunk-9'],
        unknownNameCount: 1,
      });

      // Another block only being lifted, newer than the one in force: the one in force is named, where
      // a request or an allowance can go; with only the one being lifted, it is named, not in force.
      const newest = await makeBlock(account.id, { placedAt: new Date('2026-11-22T18:00:00Z') });
      await db.block.update({ where: { id: newest.id }, data: { status: 'lift_pending' } });
      expect(await getBlockForUser(user.id, block.id)).toMatchObject({
        otherOpenBlockId: later.id,
        otherOpenBlockActive: true,
        otherOpenBlockCount: 2, // both other blocks are open: the page says "2 other blocks"
      });
      await db.block.update({ where: { id: later.id }, data: { status: 'lift_pending' } });
      expect(await getBlockForUser(user.id, block.id)).toMatchObject({
        otherOpenBlockId: newest.id,
        otherOpenBlockActive: false,
        otherOpenBlockCount: 2,
      });
      await db.block.update({ where: { id: later.id }, data: { status: 'active' } });
      await db.block.update({ where: { id: newest.id }, data: { status: 'lifted', liftedAt: new Date() } });

      // Support's block on its way to the switch (a pending change of kind block): said, so a lifted
      // block's page does not read "allowed" meanwhile; a finished one, or another account's, is not.
      const op = (accountNumber: string, status: 'pending' | 'done') =>
        db.switchOperation.create({
          data: { idempotencyKey: crypto.randomUUID(), kind: 'block', accountNumber, payload: '{}', status },
        });
      await op(account.number, 'done');
      await op((await makeAccount()).account.number, 'pending');
      expect((await getBlockForUser(user.id, block.id))!.blockOnItsWay).toBe(false);
      const pending = await op(account.number, 'pending');
      expect((await getBlockForUser(user.id, block.id))!.blockOnItsWay).toBe(true);
      await db.switchOperation.update({ where: { id: pending.id }, data: { status: 'done' } });

      // Lifted, with no other block open: no other open block; a lifted other block does not count.
      const liftedAt = new Date('2026-11-23T08:00:00Z');
      await db.block.update({ where: { id: later.id }, data: { status: 'lifted', liftedAt } });
      await db.block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt } });
      expect(await getBlockForUser(user.id, block.id)).toMatchObject({
        status: 'lifted',
        liftedAt,
        otherOpenBlockId: null,
        otherOpenBlockCount: 0,
      });

      // Someone else's block, and an unknown id: nothing.
      const stranger = await makeAccount();
      expect(await getBlockForUser(stranger.users[0]!.id, block.id)).toBeNull();
      expect(await getBlockForUser(user.id, crypto.randomUUID())).toBeNull();
    });
  });
  describe('otherOpenBlocksForUser (the block page\u2019s list of the account\u2019s other open blocks)', () => {
    // A fraud wave: 13 blocks in force on one account (each switch block.placed is a block). The page
    // linked only the newest other block, so with three or more the pages linked each other and the
    // older blocks could not be reached from any customer page.
    const t0 = Date.parse('2026-11-20T12:00:00Z');
    async function wave() {
      const db = getDb();
      const { account, users } = await makeAccount();
      const blocks = [];
      for (let i = 0; i < 13; i++)
        blocks.push(
          await makeBlock(account.id, {
            placedAt: new Date(t0 + i * 60_000),
            reason: i % 2 ? 'hotspot_source_ip' : 'high_risk_destination',
            calls: Array.from({ length: i % 3 }, () => ({ sipUsername: 'desk' })),
          }),
        );
      // One being lifted (still in force until the switch confirms), one with calls it did not keep.
      await db.block.update({ where: { id: blocks[9]!.id }, data: { status: 'lift_pending' } });
      await db.block.update({ where: { id: blocks[4]!.id }, data: { callsNotKept: 250 } });
      // A lifted block of the account, and another account's blocks in force: never listed.
      const lifted = await makeBlock(account.id, { placedAt: new Date(t0 + 30 * 60_000) });
      await db.block.update({ where: { id: lifted.id }, data: { status: 'lifted', liftedAt: new Date() } });
      const stranger = await makeAccount();
      await makeBlock(stranger.account.id, { placedAt: new Date(t0 + 5 * 60_000) });
      return { account, user: users[0]!, blocks, lifted, stranger };
    }

    it('lists the newest others first, a page at a time, each with its status, reason and calls', async () => {
      const { user, blocks } = await wave();
      const newest = blocks[12]!;
      // Newest first, the page's own block left out: blocks 11 down to 2, then 1 and 0.
      const first = await otherOpenBlocksForUser(user.id, newest.id);
      expect(OPEN_BLOCKS_SHOWN).toBe(10);
      expect(first.items.map((b) => b.id)).toEqual(
        blocks
          .slice(2, 12)
          .reverse()
          .map((b) => b.id),
      );
      expect(first).toMatchObject({ total: 12, from: 1, more: 2 });
      expect(first.items[0]).toEqual({
        id: blocks[11]!.id,
        reason: 'hotspot_source_ip',
        status: 'active',
        placedAt: new Date(t0 + 11 * 60_000),
        createdAt: new Date(t0 + 11 * 60_000),
        calls: 2, // 11 % 3
      });
      expect(first.items.find((b) => b.id === blocks[9]!.id)).toMatchObject({
        status: 'lift_pending',
        calls: 0,
      });
      // Calls the switch reported: those stored and those it did not keep.
      expect(first.items.find((b) => b.id === blocks[4]!.id)).toMatchObject({ calls: 251 });

      const second = await otherOpenBlocksForUser(user.id, newest.id, first.items.at(-1)!.id);
      expect(second.items.map((b) => b.id)).toEqual([blocks[1]!.id, blocks[0]!.id]);
      expect(second).toMatchObject({ total: 12, from: 11, more: 0 });
      expect(second.items[1]).toMatchObject({ reason: 'high_risk_destination', calls: 0 });

      // The page's first statement gives the same first page; with fewer than two others, none.
      expect((await getBlockForUser(user.id, newest.id))!.otherOpenBlocks).toEqual(first);
    });

    it('reaches every block in force from the one the dashboard links', async () => {
      const { account, user, blocks } = await wave();
      const [summary] = await listAccountsForUser(user.id);
      expect(summary!.activeBlock).toMatchObject({ id: blocks[12]!.id, inForce: 13 });
      const reached = new Set([summary!.activeBlock!.id]);
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const list = await otherOpenBlocksForUser(user.id, summary!.activeBlock!.id, after);
        for (const b of list.items) reached.add(b.id);
        if (!list.more) break;
        after = list.items.at(-1)!.id;
      }
      const open = await getDb().block.findMany({
        where: { accountId: account.id, status: { in: ['active', 'lift_pending'] } },
        select: { id: true },
      });
      expect([...reached].sort()).toEqual(open.map((b) => b.id).sort());
      expect(reached.size).toBe(13);
    });

    it('orders blocks of the same time by id and pages across them without repeating or skipping one', async () => {
      const { account, users } = await makeAccount();
      const at = new Date(t0);
      const mine = await makeBlock(account.id, { placedAt: new Date(t0 - 60_000) });
      const same = [];
      for (let i = 0; i < 5; i++) same.push(await makeBlock(account.id, { placedAt: at }));
      const byId = same
        .map((b) => b.id)
        .sort()
        .reverse();
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const list = await otherOpenBlocksForUser(users[0]!.id, mine.id, after, 2);
        expect(list.from).toBe(seen.length + 1);
        seen.push(...list.items.map((b) => b.id));
        expect(list.more).toBe(5 - seen.length);
        if (!list.more) break;
        after = list.items.at(-1)!.id;
      }
      expect(seen).toEqual(byId);
    });

    it('keeps a lifted cursor block\u2019s place, and starts over at a cursor of no block of the account', async () => {
      const { user, blocks, stranger } = await wave();
      const newest = blocks[12]!.id;
      const first = await otherOpenBlocksForUser(user.id, newest);
      const cursor = first.items.at(-1)!.id;
      await getDb().block.update({ where: { id: cursor }, data: { status: 'lifted', liftedAt: new Date() } });
      const older = await otherOpenBlocksForUser(user.id, newest, cursor);
      expect(older.items.map((b) => b.id)).toEqual([blocks[1]!.id, blocks[0]!.id]);
      expect(older).toMatchObject({ total: 11, from: 10, more: 0 });
      // Another account's block, or an id of nothing, as the cursor: the first page.
      const theirs = await getDb().block.findFirstOrThrow({ where: { accountId: stranger.account.id } });
      const restart = await otherOpenBlocksForUser(user.id, newest);
      // Text from the URL that is no row id's shape (a NUL made PostgreSQL refuse a read) is not looked up.
      for (const wrong of [theirs.id, 'nosuchblock', 'blk\u0000x', `${cursor}'--`])
        expect(await otherOpenBlocksForUser(user.id, newest, wrong)).toEqual(restart);
    });

    it('gives nothing to someone who is not a member of the block\u2019s account', async () => {
      const { blocks, stranger, account } = await wave();
      const newest = blocks[12]!.id;
      const none = { items: [], total: 0, from: 1, more: 0 };
      // A member of another account (with blocks of their own in force), and a staff login.
      expect(await otherOpenBlocksForUser(stranger.users[0]!.id, newest)).toEqual(none);
      expect(await otherOpenBlocksForUser(stranger.users[0]!.id, newest, blocks[3]!.id)).toEqual(none);
      const agent = await makeStaff();
      expect(await otherOpenBlocksForUser(agent.id, newest)).toEqual(none);
      // A former member: the membership goes, and so does the list.
      const former = (await getDb().membership.findFirstOrThrow({ where: { accountId: account.id } })).userId;
      expect((await otherOpenBlocksForUser(former, newest)).total).toBe(12);
      await getDb().membership.deleteMany({ where: { accountId: account.id, userId: former } });
      expect(await otherOpenBlocksForUser(former, newest)).toEqual(none);
      expect(await getBlockForUser(former, newest)).toBeNull();
    });

    it('is not read with fewer than two other open blocks: the page links the one', async () => {
      const { account, users } = await makeAccount();
      const a = await makeBlock(account.id, { placedAt: new Date(t0) });
      expect((await getBlockForUser(users[0]!.id, a.id))!.otherOpenBlocks).toBeNull();
      const b = await makeBlock(account.id, { placedAt: new Date(t0 + 60_000) });
      expect((await getBlockForUser(users[0]!.id, a.id))!).toMatchObject({
        otherOpenBlockId: b.id,
        otherOpenBlockCount: 1,
        otherOpenBlocks: null,
      });
      const c = await makeBlock(account.id, { placedAt: new Date(t0 + 120_000) });
      expect((await getBlockForUser(users[0]!.id, a.id))!.otherOpenBlocks).toMatchObject({
        items: [{ id: c.id }, { id: b.id }],
        total: 2,
        more: 0,
      });
    });
  });
});

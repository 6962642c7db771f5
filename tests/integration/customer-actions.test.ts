import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleNumber } from '@/lib/phone/format';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { getDb } from '@/lib/server/db';
import { submitMisdial, withdrawRequest } from '@/lib/requests/submit';
import { resetSipPassword } from '@/lib/credentials/reset';
import { changePortalPassword } from '@/lib/auth/change-password';
import { renderMessage } from '@/lib/mail/render';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { inWords } from '@/tests/helpers/outcome';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// The domain functions behind the customer's forms (issue 11 item 4), against a real database of each
// dialect and the switch simulator: the caller's accounts only (anything else is not_found, nothing
// changes), bad input changes nothing, and a password is never stored, echoed or audited.

let sim: TestSim;
const meta = { ip: '192.0.2.44', userAgent: 'vitest' };
const strong = () => `Qv8-${crypto.randomBytes(12).toString('base64url')}`;

/** An account with a member and two credentials, known to the switch with `old-password-0`. */
async function provisioned(blocked = false) {
  const made = await makeAccount({ members: [uniqueEmail('m')] });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: blocked ? 'blocked' : 'allowed',
    reason: blocked ? 'high_risk_destination' : null,
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return made;
}

/** A switch-placed block on the account (through the lifecycle, the only writer of block rows), with one call. */
async function blockOn(
  account: { id: string; number: string },
  sipUsername: string,
  reason: 'high_risk_destination' | 'manual' = 'high_risk_destination',
  to = '+252611234567',
) {
  const sourceEventId = `evt-${crypto.randomUUID()}`;
  await seedBlock(getDb(), {
    accountId: account.id,
    reason,
    placedAt: new Date(),
    sourceEventId,
    calls: [{ at: new Date(Date.now() - 5000), sipUsername, to, sourceIp: '203.0.113.9', durationSec: 0 }],
  });
  return getDb().block.findUniqueOrThrow({ where: { sourceEventId }, include: { calls: true } });
}

const misdial = (
  blockId: string,
  callIds: string[],
  o: Partial<{ intendedNumber: string; whatHappened: string; callbackPhone: string }> = {},
) => ({
  blockId,
  'callIds[]': callIds,
  intendedNumber: '+1 252 611 2345',
  whatHappened: 'We typed 00252 instead of 1-252 for a supplier.',
  callbackPhone: '+1 202 555 0143',
  ...o,
});

// One simulator for the whole file: the app's own switch client (env, cached) points at it.
appSimPerFile((s) => (sim = s));

describe.each(dialects())('customer actions on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  describe('resetSipPassword', () => {
    it('sets a strong password on the switch, records the change and audits it without the password', async () => {
      const { users, creds } = await provisioned();
      const password = strong();
      expect(await resetSipPassword(asCustomer(users[0]), creds[0].id, password, meta)).toEqual({
        ok: true,
        data: { recorded: true, liftQueued: false },
      });
      expect(
        (await sim.control('POST', '/_sim/check-password', { username: creds[0].username, password })).body
          .matches,
      ).toBe(true);
      const db = getDb();
      expect(
        (await db.sipCredential.findUniqueOrThrow({ where: { id: creds[0].id } })).passwordChangedAt,
      ).not.toBeNull();
      const audits = await db.auditLog.findMany({ where: { targetId: creds[0].id } });
      expect(audits.map((a) => a.action)).toContain('sip_password.changed');
      expect(JSON.stringify(audits)).not.toContain(password);
      expect(JSON.stringify(await db.mailMessage.findMany({ where: { to: users[0].email } }))).not.toContain(
        password,
      );
    });

    it('another account’s credential is not_found, and the switch is not called', async () => {
      const mine = await provisioned();
      const theirs = await provisioned();
      const password = strong();
      expect(await resetSipPassword(asCustomer(mine.users[0]), theirs.creds[0].id, password, meta)).toEqual({
        ok: false,
        code: 'not_found',
      });
      expect(
        (
          await sim.control('POST', '/_sim/check-password', {
            username: theirs.creds[0].username,
            password: 'old-password-0',
          })
        ).body.matches,
      ).toBe(true);
      expect(await getDb().sipPasswordChange.count({ where: { credentialId: theirs.creds[0].id } })).toBe(0);
    });

    it('a weak password is refused with the reason and changes nothing', async () => {
      const { users, creds, account } = await provisioned();
      const r = await resetSipPassword(
        asCustomer(users[0]),
        creds[0].id,
        `${account.number.toLowerCase()}1`,
        meta,
      );
      expect(r).toMatchObject({
        ok: false,
        code: 'invalid',
        note: { key: 'outcome.password.weak' },
        fieldErrors: {
          password: expect.arrayContaining([
            expect.objectContaining({ key: expect.stringMatching(/^password\./) }),
          ]),
        },
      });
      expect(await getDb().sipPasswordChange.count({ where: { credentialId: creds[0].id } })).toBe(0);
      expect(
        (
          await sim.control('POST', '/_sim/check-password', {
            username: creds[0].username,
            password: 'old-password-0',
          })
        ).body.matches,
      ).toBe(true);
    });

    it('a switch that answers 503: an honest message, the intent marked unknown, the credential unchanged', async () => {
      const { users, creds } = await provisioned();
      await sim.control('PUT', '/_sim/faults', { failNext: 10, failStatus: 503, method: 'PUT' });
      const password = strong();
      const r = await resetSipPassword(asCustomer(users[0]), creds[0].id, password, meta);
      await sim.control('DELETE', '/_sim/faults');
      expect(r).toMatchObject({
        ok: false,
        code: 'unavailable',
        // It may have been applied: only a new password settles which one is in force. The switch
        // answered (with an error): not worded as no answer.
        note: { key: 'outcome.reset.switchErrorUnknown' },
      });
      expect(JSON.stringify(r)).not.toContain(password);
      const db = getDb();
      expect(
        (await db.sipCredential.findUniqueOrThrow({ where: { id: creds[0].id } })).passwordChangedAt,
      ).toBeNull();
      // A 5xx may have been applied: the intent stays 'unknown' (not 'failed') for the recovery to settle.
      expect(
        await db.sipPasswordChange.findFirstOrThrow({ where: { credentialId: creds[0].id } }),
      ).toMatchObject({ status: 'unknown' });
      expect(JSON.stringify(await db.auditLog.findMany({ where: { targetId: creds[0].id } }))).not.toContain(
        password,
      );
    });
  });

  describe('submitMisdial and withdrawRequest', () => {
    it('a valid request is stored pending in E.164, on the timeline and audited; withdrawing it works once', async () => {
      const { account, users, creds } = await provisioned(true);
      const block = await blockOn(account, creds[0].username);
      const me = asCustomer(users[0]);
      const r = await submitMisdial(me, misdial(block.id, [block.calls[0].id]), meta);
      expect(r).toEqual({ ok: true, data: { requestId: expect.any(String) } });
      const requestId = (r as { data: { requestId: string } }).data.requestId;
      const db = getDb();
      expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
        status: 'pending',
        intendedNumber: '+12526112345',
        callbackPhone: '+12025550143',
        kind: 'misdial',
      });
      expect(await db.blockEvent.count({ where: { blockId: block.id, type: 'request_submitted' } })).toBe(1);
      expect(await db.auditLog.count({ where: { targetId: requestId, action: 'request.submitted' } })).toBe(
        1,
      );

      // A second open request on the same block is refused clearly.
      expect(await submitMisdial(me, misdial(block.id, [block.calls[0].id]), meta)).toEqual({
        ok: false,
        code: 'conflict',
        note: { key: 'outcome.request.alreadyOpen' },
      });

      expect(await withdrawRequest(me, requestId, meta)).toEqual({ ok: true, data: { blockId: block.id } });
      expect(await withdrawRequest(me, requestId, meta)).toEqual({
        ok: false,
        code: 'conflict',
        note: { key: 'outcome.request.notPending' },
      });
      expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
        status: 'withdrawn',
        openKey: null,
      });
      expect(await db.blockEvent.count({ where: { blockId: block.id, type: 'request_withdrawn' } })).toBe(1);
    });

    it('bad input gets field errors and stores nothing', async () => {
      const { account, users, creds } = await provisioned(true);
      const block = await blockOn(account, creds[0].username);
      const r = await submitMisdial(
        asCustomer(users[0]),
        misdial(block.id, [], { intendedNumber: '12', callbackPhone: '+252 61 123 4567' }),
        meta,
      );
      expect(r).toMatchObject({
        ok: false,
        code: 'invalid',
        fieldErrors: {
          // The example in the words is one of the account's country (review, session 34: London's).
          intendedNumber: [
            { key: 'outcome.request.intendedInvalid', values: { example: exampleNumber(account.country) } },
          ],
          callbackPhone: [{ key: 'outcome.callback.blockDestination' }],
          'callIds[]': [{ key: 'outcome.field.misdialCalls' }],
        },
      });
      expect(
        await submitMisdial(asCustomer(users[0]), misdial(block.id, ['not-a-call-of-this-block']), meta),
      ).toMatchObject({ ok: false, fieldErrors: { 'callIds[]': [{ key: 'outcome.request.callsOfBlock' }] } });
      expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
    });

    it('the number the calls went to is not a misdial of itself, in any form it is typed', async () => {
      // A customer who meant to call the blocked destination asks for a misdial unblock of nothing
      // mistyped (tester, session 45): refused at the number, with the number as the reader dials it.
      const { account, users, creds } = await provisioned(true);
      const block = await blockOn(account, creds[0].username);
      const me = asCustomer(users[0]);
      for (const typed of ['+252611234567', '+252 61 123 4567', '011 252 61 123 4567', '+252-61-123-4567']) {
        const r = await submitMisdial(
          me,
          misdial(block.id, [block.calls[0].id], { intendedNumber: typed }),
          meta,
        );
        expect(r, typed).toMatchObject({
          ok: false,
          code: 'invalid',
          fieldErrors: { intendedNumber: [{ key: 'outcome.request.intendedIsDialled' }] },
        });
        expect(inWords(r, 'en').fieldErrors?.intendedNumber?.[0], typed).toMatch(
          /^\+252 61 123 4567 is a number this block’s calls went to\./,
        );
        expect(inWords(r, 'es').fieldErrors?.intendedNumber?.[0], typed).toMatch(
          /^\+252 61 123 4567 es un número al que fueron las llamadas de este bloqueo\./,
        );
      }
      expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
      // One digit away from it is a number someone may have meant.
      const near = await submitMisdial(
        me,
        misdial(block.id, [block.calls[0].id], { intendedNumber: '+252 61 123 4568' }),
        meta,
      );
      expect(near).toMatchObject({ ok: true });
      // A destination read two ways is no reason to refuse: "5152795494" from the US is Iowa's
      // +1 515 279 5494 or Peru's +51 52 795494 without its "+", and the customer who meant Iowa
      // made exactly the misdial the form is for (review, session 46).
      const disputed = await blockOn(account, creds[0].username, 'high_risk_destination', '5152795494');
      expect(
        await submitMisdial(
          me,
          misdial(disputed.id, [disputed.calls[0].id], { intendedNumber: '515-279-5494' }),
          meta,
        ),
      ).toMatchObject({ ok: true });
    });

    it('a form sent with no call ticked is refused at the calls, in English and Spanish, and stores nothing', async () => {
      // The misdial form no longer ticks a call for the customer when there are several (tester,
      // session 42): a form sent with none ticked has no `callIds[]` field at all.
      const { account, users, creds } = await provisioned(true);
      const block = await blockOn(account, creds[0].username);
      const { 'callIds[]': _none, ...posted } = misdial(block.id, []);
      const r = await submitMisdial(asCustomer(users[0]), posted, meta);
      expect(inWords(r, 'en')).toMatchObject({
        ok: false,
        code: 'invalid',
        fieldErrors: { 'callIds[]': ['Choose the call or calls that were the misdial.'] },
      });
      expect(inWords(r, 'es').fieldErrors).toEqual({
        'callIds[]': ['Elija la llamada o las llamadas que fueron una marcación errónea.'],
      });
      expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
    });

    it('another account’s block or request is not_found and changes nothing', async () => {
      const mine = await provisioned(true);
      const theirs = await provisioned(true);
      const theirBlock = await blockOn(theirs.account, theirs.creds[0].username);
      const me = asCustomer(mine.users[0]);
      expect(await submitMisdial(me, misdial(theirBlock.id, [theirBlock.calls[0].id]), meta)).toEqual({
        ok: false,
        code: 'not_found',
      });
      const theirs1 = await submitMisdial(
        asCustomer(theirs.users[0]),
        misdial(theirBlock.id, [theirBlock.calls[0].id]),
        meta,
      );
      const requestId = (theirs1 as { data: { requestId: string } }).data.requestId;
      expect(await withdrawRequest(me, requestId, meta)).toEqual({ ok: false, code: 'not_found' });
      expect((await getDb().unblockRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
        'pending',
      );
    });

    it('a block placed by support cannot be asked away', async () => {
      const { account, users, creds } = await provisioned(true);
      const block = await blockOn(account, creds[0].username, 'manual');
      const r = await submitMisdial(asCustomer(users[0]), misdial(block.id, [block.calls[0].id]), meta);
      expect(r).toEqual({ ok: false, code: 'refused', note: { key: 'outcome.request.manualBlock' } });
      expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
    });
  });

  describe('changePortalPassword', () => {
    async function userWithSessions(password: string) {
      const db = getDb();
      const u = await db.user.create({
        data: { email: uniqueEmail('pw'), role: 'customer', passwordHash: await hashPassword(password) },
      });
      const session = (token: string) =>
        db.session.create({
          data: { sessionToken: `${token}-${u.id}`, userId: u.id, expires: new Date(Date.now() + 3600_000) },
        });
      const [here, elsewhere] = [await session('here'), await session('elsewhere')];
      await db.verificationToken.create({
        data: {
          identifier: u.email,
          token: crypto.randomBytes(16).toString('hex'),
          expires: new Date(Date.now() + 600_000),
        },
      });
      return { u, here, elsewhere };
    }

    it('a wrong current password is refused and audited; nothing changes', async () => {
      const { u } = await userWithSessions('current-password-horse-7');
      expect(
        await changePortalPassword(asCustomer(u), 'not-the-password', 'granite violet harbour lantern', meta),
      ).toEqual({
        ok: false,
        code: 'invalid',
        note: { key: 'outcome.auth.currentWrong' },
        fieldErrors: { current: [{ key: 'outcome.auth.currentWrong' }] },
      });
      const db = getDb();
      expect(
        await verifyPassword(
          (await db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash,
          'current-password-horse-7',
        ),
      ).toBe(true);
      expect(await db.auditLog.count({ where: { actorId: u.id, action: 'password.change_failed' } })).toBe(1);
      expect(await db.session.count({ where: { userId: u.id } })).toBe(2);
    });

    it('a weak new password is refused on its field; nothing changes', async () => {
      const { u } = await userWithSessions('current-password-horse-7');
      expect(
        await changePortalPassword(asCustomer(u), 'current-password-horse-7', 'password123', meta),
      ).toMatchObject({
        ok: false,
        code: 'invalid',
        note: { key: 'outcome.password.weak' },
        fieldErrors: {
          next: [
            { key: 'password.problem.tooShort', values: { min: 12 } },
            { key: 'password.feedback.veryCommon' },
          ],
        },
      });
      expect(
        await verifyPassword(
          (await getDb().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash,
          'current-password-horse-7',
        ),
      ).toBe(true);
    });

    it('a strong one is set; other sessions and sign-in links end, this session stays; the audit has no password', async () => {
      const { u, here } = await userWithSessions('current-password-horse-7');
      const next = 'granite violet harbour lantern';
      expect(
        await changePortalPassword(asCustomer(u, here.id), 'current-password-horse-7', next, meta),
      ).toEqual({ ok: true, note: { key: 'profile.changed' } });
      const db = getDb();
      expect(
        await verifyPassword((await db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash, next),
      ).toBe(true);
      expect((await db.session.findMany({ where: { userId: u.id } })).map((s) => s.id)).toEqual([here.id]);
      expect(await db.verificationToken.count({ where: { identifier: u.email } })).toBe(0);
      const audit = await db.auditLog.findFirstOrThrow({
        where: { actorId: u.id, action: 'password.changed' },
      });
      expect(JSON.parse(audit.detail!)).toMatchObject({ otherSessionsEnded: 1 });
      expect(JSON.stringify(audit)).not.toContain(next);
      // Its owner is told, with no password in the mail or its row (review, session 35).
      const alert = await db.mailMessage.findFirstOrThrow({
        where: { to: u.email, template: 'security_change' },
      });
      expect(JSON.parse(alert.payload)).toMatchObject({ change: 'password_changed', ip: meta.ip });
      const mail = await renderMessage(alert, new Date());
      expect(mail.ok && mail.mail.subject).toMatch(/^The password of your .*login was changed$/);
      expect(JSON.stringify([alert, mail])).not.toContain(next);
    });
  });
});

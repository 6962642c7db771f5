import crypto from 'node:crypto';
import { TOTP } from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCode } from '@/lib/auth/codes';
import type { CurrentUser } from '@/lib/auth/session';
import { encryptSecret, hashRecoveryCode, pendingSecretFor } from '@/lib/auth/totp';
import { confirmEnrolment, pendingEnrolment } from '@/lib/auth/mfa/enrol';
import { sendEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { movePage, moveSecondFactor } from '@/lib/auth/mfa/move';
import { unusedRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { verifySecondFactor } from '@/lib/auth/mfa/verify';
import type { Locale } from '@/lib/i18n/locales';
import { translate } from '@/lib/i18n/translate';
import { renderMessage } from '@/lib/mail/render';
import { getDb } from '@/lib/server/db';
import { reset as resetLimit } from '@/lib/server/rate-limit';
import { dialects, failInserts, useFreshDb } from '@/tests/helpers/db';
import { mailedEnrolmentCode } from '@/tests/helpers/enrol-code';
import { makeSession, makeUserWithSession } from '@/tests/helpers/factory';
import { dataOf, said } from '@/tests/helpers/outcome';

// "Move to a new phone" (lib/auth/mfa/move.ts), on a real database of each dialect. Before it, a
// customer who lost the phone signed in with a recovery code and followed the mail's "set up the
// authenticator app again" into a refusal (the factor was on), "New recovery codes" wanted the lost
// app's code, and every sign-in spent another recovery code until the tenth locked them out.

const meta = { ip: '198.51.100.77', userAgent: 'vitest' };
/** The code of `secret` for the time step `offset` steps from now (RFC 6238: 30-second steps, ±1 accepted). */
const code = (secret: string, offset = 0) =>
  new TOTP({ secret, digits: 6, period: 30 }).generate({ timestamp: Date.now() + offset * 30_000 });
const db = () => getDb();

/** "Email me a code" on the move page for `me`'s session; the code as the mail shows it. */
async function mailedForMove(me: CurrentUser): Promise<string> {
  expect(said(await sendEnrolmentProof(me, meta, 'move'))).toBe('ok');
  return mailedEnrolmentCode(me.email);
}

/** The move page as `me` is shown it: the QR code's secret, and `shown`, which its form sends back. */
async function moveSteps(me: CurrentUser): Promise<{ secret: string; shown: string }> {
  const page = await movePage(me);
  if (page.inForce) throw new Error('the move page shows no QR code');
  return page;
}

/** How many of `codes` (as shown to the user) are stored, unused, for `userId`. */
async function working(userId: string, codes: string[]) {
  const rows = await db().recoveryCode.findMany({ where: { userId, usedAt: null } });
  const stored = new Set(rows.map((r) => r.codeHash));
  return codes.filter((c) => {
    const r = readCode(c);
    return r.kind === 'recovery' && stored.has(hashRecoveryCode(r.code));
  }).length;
}

/** A fresh sign-in of `userId` that has not passed the second factor yet. */
async function halfSignedIn(me: CurrentUser): Promise<CurrentUser> {
  const s = await makeSession(me.id);
  return { ...me, sessionId: s.id, mfaEnrolled: true, mfaVerified: false };
}

/**
 * A customer who set up two-factor authentication (`oldSecret`, whose recovery codes are `oldCodes`),
 * lost the phone, and signed in again with the first recovery code (`me`: that session, verified).
 * Still about: a laptop session past the factor, and a session of someone with the password only.
 */
async function lostPhone() {
  const { u, me: first } = await makeUserWithSession('customer');
  const { secret: oldSecret } = await pendingEnrolment(first);
  expect(said(await sendEnrolmentProof(first, meta))).toBe('ok');
  const enrolled = await confirmEnrolment(first, code(oldSecret), await mailedEnrolmentCode(u.email), meta);
  const oldCodes = dataOf(enrolled).recoveryCodes;
  const laptop = await db().session.findUniqueOrThrow({
    where: { sessionToken: dataOf(enrolled).session.sessionToken },
  });
  const thief = await makeSession(u.id);
  const signIn = await halfSignedIn({ ...first, mfaEnrolled: true });
  const passed = await verifySecondFactor(signIn, oldCodes[0], meta);
  expect(said(passed)).toBe('ok');
  const session = await db().session.findUniqueOrThrow({
    where: { sessionToken: dataOf(passed).session.sessionToken },
  });
  const me: CurrentUser = { ...signIn, sessionId: session.id, mfaVerified: true };
  return { u, me, oldSecret, oldCodes, laptop, thief };
}

describe.each(dialects())('moving the second factor to a new phone on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('signed in with a recovery code: the new phone takes over, with new codes; the old phone, the old codes and the other sessions are shut out; audited and mailed', async () => {
    const { u, me, oldSecret, oldCodes, laptop, thief } = await lostPhone();
    // The thief typed codes until the factor locked; the owner's session is past it already.
    await db().user.update({ where: { id: u.id }, data: { totpFailures: 20, totpLockedAt: new Date() } });
    await db().verificationToken.create({
      data: {
        identifier: u.email,
        token: crypto.randomBytes(16).toString('hex'),
        expires: new Date(Date.now() + 600_000),
      },
    });
    const { secret: newSecret, shown } = await moveSteps(me);
    expect(newSecret).not.toBe(oldSecret);
    const mailed = await mailedForMove(me);

    const r = await moveSecondFactor(me, code(newSecret), mailed, shown, meta);
    expect(r).toMatchObject({ ok: true, note: { key: 'outcome.mfa.moved' } });
    const codes = dataOf(r).recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(await working(u.id, codes)).toBe(10);
    expect(await working(u.id, oldCodes)).toBe(0);
    expect(await unusedRecoveryCodes(u.id)).toBe(10);

    // This browser holds the one session left, under a new token, past the factor; the laptop's, the
    // thief's half-signed-in one and this one's old token are gone.
    const sessions = await db().session.findMany({ where: { userId: u.id } });
    expect(sessions.map((s) => s.sessionToken)).toEqual([dataOf(r).session.sessionToken]);
    expect(sessions[0]!.mfaVerifiedAt).not.toBeNull();
    for (const gone of [laptop.id, thief.id, me.sessionId])
      expect(sessions.map((s) => s.id)).not.toContain(gone);
    const after = await db().user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after).toMatchObject({ totpFailures: 0, totpLockedAt: null });
    expect(after.totpEnabledAt).not.toBeNull();
    expect(await db().verificationToken.count({ where: { identifier: u.email } })).toBe(0);
    expect(await db().enrolmentProof.count({ where: { userId: u.id } })).toBe(0);

    // The old phone's codes no longer sign in; the new phone's do; an old recovery code is refused.
    const next = await halfSignedIn(me);
    expect(said(await verifySecondFactor(next, code(oldSecret, 1), meta))).toBe('mfa.wrong');
    expect(said(await verifySecondFactor(next, oldCodes[1], meta))).toBe('mfa.wrong');
    expect(said(await verifySecondFactor(next, code(newSecret, 1), meta))).toBe('ok');
    expect(said(await verifySecondFactor(await halfSignedIn(me), codes[0], meta))).toBe('ok');

    // Who, what, from where.
    const row = await db().auditLog.findFirstOrThrow({
      where: { actorId: u.id, action: 'mfa.enrolled' },
      orderBy: { at: 'desc' },
    });
    expect(row).toMatchObject({ ip: meta.ip, userAgent: meta.userAgent, actorEmail: u.email });
    expect(JSON.parse(row.detail!)).toEqual({ for: 'move', otherSessionsEnded: 2, linksRevoked: 1 });
    const sent = await db().auditLog.findFirstOrThrow({
      where: { actorId: u.id, action: 'mfa.enrol_code_sent' },
      orderBy: { at: 'desc' },
    });
    expect(JSON.parse(sent.detail!)).toEqual({ replaced: false, for: 'move' });

    // The owner is told of the change, from where, as a move: the set-up's mail said "turned on".
    const alerts = await db().mailMessage.findMany({
      where: { to: u.email, template: 'security_change' },
      orderBy: { createdAt: 'asc' },
    });
    expect(alerts.map((m) => JSON.parse(m.payload))).toEqual([
      expect.objectContaining({ change: 'mfa_enrolled' }),
      { userId: u.id, change: 'mfa_moved', at: expect.any(String), ip: meta.ip },
    ]);
    const mail = await renderMessage(alerts[1]!, new Date());
    if (!mail.ok) throw new Error(mail.reason);
    expect(mail.mail.subject).toMatch(
      /^Two-factor authentication was moved to a new phone for your .*login$/,
    );
    expect(mail.mail.text).toContain('was moved to a new phone on');
    expect(mail.mail.text).toContain(`from the internet address ${meta.ip}`);
    expect(`${mail.mail.subject}\n${mail.mail.text}`).not.toMatch(/turned on/);
    // The first set-up's mail still says "turned on", and nothing of a move.
    const first = await renderMessage(alerts[0]!, new Date());
    if (!first.ok) throw new Error(first.reason);
    expect(first.mail.subject).toMatch(/^Two-factor authentication was turned on for your .*login$/);
    expect(first.mail.text).not.toMatch(/moved|new phone/);
  });

  it.each([
    ['en', /^Your code to move two-factor authentication to a new phone/, /turn on|set-up page/, /new phone/],
    [
      'es',
      /^Su código para pasar la autenticación de doble factor a un teléfono nuevo/,
      /activar/,
      /teléfono nuevo/,
    ],
  ] as const)(
    'the code mailed for a move (%s) is worded as a move, not as turning the factor on; the set-up’s as a set-up',
    async (locale, subject, setUpWords, moveWords) => {
      const { u, me } = await lostPhone();
      await db().user.update({ where: { id: u.id }, data: { locale } });
      const mailed = await mailedForMove(me);
      const row = await db().mailMessage.findFirstOrThrow({
        where: { to: u.email, template: 'enrolment_code' },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      expect(JSON.parse(row.payload)).toMatchObject({ purpose: 'move' });
      const move = await renderMessage(row, new Date());
      if (!move.ok) throw new Error(move.reason);
      expect(move.mail.subject).toMatch(subject);
      expect(move.mail.text).toContain(mailed);
      for (const part of [move.mail.subject, move.mail.text]) expect(part).not.toMatch(setUpWords);
      expect(move.mail.html).toContain(translate(locale)('mail.enrolmentCode.preheaderMove'));
      // A first set-up's code (another login, the factor off) speaks of turning it on only.
      const { u: other, me: fresh } = await makeUserWithSession('customer');
      await db().user.update({ where: { id: other.id }, data: { locale } });
      expect(said(await sendEnrolmentProof(fresh, meta))).toBe('ok');
      const setUp = await renderMessage(
        await db().mailMessage.findFirstOrThrow({ where: { to: other.email, template: 'enrolment_code' } }),
        new Date(),
      );
      if (!setUp.ok) throw new Error(setUp.reason);
      expect(setUp.mail.subject).toMatch(setUpWords);
      expect(setUp.mail.text).not.toMatch(moveWords);
    },
  );

  it('only a session past the factor may move it, only while it is on; the mailed code is checked first', async () => {
    const { u, me } = await lostPhone();
    const { secret, shown } = await moveSteps(me);

    // Someone with the password only: neither a code mailed nor a move.
    const half = await halfSignedIn(me);
    expect(said(await sendEnrolmentProof(half, meta, 'move'))).toBe('outcome.mfaFirst');
    expect(said(await moveSecondFactor(half, code(secret), '123456', shown, meta))).toBe('outcome.mfaFirst');
    // A login without the factor sets it up instead.
    const { me: plain } = await makeUserWithSession('customer');
    expect(said(await sendEnrolmentProof(plain, meta, 'move'))).toBe('outcome.mfa.moveOff');
    expect(said(await moveSecondFactor(plain, code(secret), '123456', shown, meta))).toBe(
      'outcome.mfa.moveOff',
    );
    // A first set-up is still refused while the factor is on.
    expect(said(await sendEnrolmentProof(me, meta))).toBe('outcome.mfa.enrolledElsewhere');

    // No code mailed: refused at its field, and the app's time step is left unspent.
    const app = code(secret);
    expect(await moveSecondFactor(me, app, '123456', shown, meta)).toEqual({
      ok: false,
      code: 'invalid',
      note: { key: 'outcome.mfa.proofNone' },
      fieldErrors: { mailCode: [{ key: 'outcome.mfa.proofNone' }] },
    });
    const mailed = await mailedForMove(me);
    const wrongMail = mailed.replace(' ', '') === '000000' ? '000001' : '000000';
    expect(said(await moveSecondFactor(me, app, wrongMail, shown, meta))).toBe('outcome.mfa.proofWrong');
    expect(said(await moveSecondFactor(me, '12 34', mailed, shown, meta))).toBe('outcome.mfa.enrolMalformed');
    // A wrong code of the new app: refused and audited, not counted toward the factor's lock.
    expect(await moveSecondFactor(me, code(secret, 5), mailed, shown, meta)).toEqual({
      ok: false,
      code: 'invalid',
      note: { key: 'outcome.mfa.enrolWrong' },
      fieldErrors: { code: [{ key: 'outcome.mfa.enrolWrong' }] },
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).totpFailures).toBe(0);
    const failures = await db().auditLog.findMany({ where: { actorId: u.id, action: 'mfa.failure' } });
    expect(failures.map((f) => JSON.parse(f.detail!))).toEqual(
      expect.arrayContaining([
        { kind: 'email', for: 'move' },
        { kind: 'totp', for: 'move' },
      ]),
    );
    // The same app code as at first still works: no refusal before it spent its step.
    expect(said(await moveSecondFactor(me, app, mailed, shown, meta))).toBe('ok');
  });

  it('limits as the set-up’s: app codes per window, and emailed codes per hour shared with the set-up', async () => {
    const { u, me } = await lostPhone();
    const { secret, shown } = await moveSteps(me);
    const mailed = await mailedForMove(me);
    for (let i = 0; i < 5; i++)
      expect(said(await moveSecondFactor(me, code(secret, 10 + i), mailed, shown, meta))).toMatch(
        /^(outcome\.mfa\.enrolWrong|mfa\.throttled)$/,
      );
    expect(said(await moveSecondFactor(me, code(secret), mailed, shown, meta))).toBe('mfa.throttled');
    expect(await db().auditLog.count({ where: { actorId: u.id, action: 'mfa.throttled' } })).toBe(1);
    expect((await db().user.findUniqueOrThrow({ where: { id: u.id } })).totpEnabledAt).not.toBeNull();

    // The set-up mailed one code this hour, the move one: three more, then the hour's five are used.
    for (let i = 0; i < 3; i++) expect(said(await sendEnrolmentProof(me, meta, 'move'))).toBe('ok');
    expect(said(await sendEnrolmentProof(me, meta, 'move'))).toBe('outcome.mfa.proofThrottled');
    await resetLimit('totp', u.id);
    await resetLimit('enrolProof', u.id);
  });

  it('two tabs moving at once: one moves, the other is told so; the ten codes shown are the ten that work', async () => {
    const { u, me } = await lostPhone();
    const { secret, shown } = await moveSteps(me);
    const mailed = await mailedForMove(me);
    const rs = await Promise.all([
      moveSecondFactor(me, code(secret, 0), mailed, shown, meta),
      moveSecondFactor(me, code(secret, 1), mailed, shown, meta),
    ]);
    expect(rs.map(said).sort()).toEqual(['ok', 'outcome.mfa.movedElsewhere']);
    const codes = dataOf(rs.find((r) => r.ok)!).recoveryCodes;
    expect(await working(u.id, codes)).toBe(10);
    expect(await db().recoveryCode.count({ where: { userId: u.id } })).toBe(10);
    const moves = await db().auditLog.findMany({ where: { actorId: u.id, action: 'mfa.enrolled' } });
    expect(moves.filter((m) => JSON.parse(m.detail!).for === 'move')).toHaveLength(1);
  });

  it('a second tab left on the page after the move is told so before any code is read, never checked against a QR code it does not show', async () => {
    const { u, me } = await lostPhone();
    // Tabs A and B show the page of one session: the same QR code, the same `shown`.
    const a = await moveSteps(me);
    expect(await moveSteps(me)).toEqual(a);
    const moved = await moveSecondFactor(me, code(a.secret), await mailedForMove(me), a.shown, meta);
    expect(said(moved)).toBe('ok');
    // B's form is sent with the browser's cookie, now the session A's move started; B shows A's QR
    // code, which is the secret in force.
    const row = await db().session.findUniqueOrThrow({
      where: { sessionToken: dataOf(moved).session.sessionToken },
    });
    const now: CurrentUser = { ...me, sessionId: row.id };
    const elsewhere = {
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.mfa.movedElsewhere' },
      fieldErrors: { shown: [{ key: 'outcome.mfa.movedElsewhere' }] },
    };
    // No code was mailed for that session: not "First press “Email me a code”".
    expect(await moveSecondFactor(now, code(a.secret, 1), '123456', a.shown, meta)).toEqual(elsewhere);
    // Pressed there, and the app's code typed (the secret in force): not "Scan the QR code again".
    const mailed = await mailedForMove(now);
    expect(await moveSecondFactor(now, code(a.secret, 1), mailed, a.shown, meta)).toEqual(elsewhere);
    // Nothing was read: the mailed code has all its tries, no failure was audited, A's codes stand.
    expect((await db().enrolmentProof.findUniqueOrThrow({ where: { sessionId: now.sessionId } })).tries).toBe(
      0,
    );
    const failures = await db().auditLog.findMany({ where: { actorId: u.id, action: 'mfa.failure' } });
    expect(failures.filter((f) => JSON.parse(f.detail!).for === 'move')).toEqual([]);
    expect(await working(u.id, dataOf(moved).recoveryCodes)).toBe(10);
    // Reloaded, B shows this session's own QR code, not the one in force, and a move from it goes through.
    const reloaded = await moveSteps(now);
    expect(reloaded.secret).not.toBe(a.secret);
    expect(said(await moveSecondFactor(now, code(reloaded.secret), mailed, reloaded.shown, meta))).toBe('ok');
  });

  it('a page of another sign-in, or a form without its `shown`, is out of date: reload; nothing is read', async () => {
    const { u, me } = await lostPhone();
    const old = await moveSteps(me);
    // Signed in again in another tab meanwhile: the browser's cookie is another session's.
    const again: CurrentUser = { ...me, sessionId: (await makeSession(u.id)).id };
    const mailed = await mailedForMove(again);
    const outOfDate = {
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.mfa.moveStale' },
      fieldErrors: { shown: [{ key: 'outcome.mfa.moveStale' }] },
    };
    for (const shown of [old.shown, undefined, '', 'f'.repeat(64)])
      expect(await moveSecondFactor(again, code(old.secret), mailed, shown, meta)).toEqual(outOfDate);
    expect(
      (await db().enrolmentProof.findUniqueOrThrow({ where: { sessionId: again.sessionId } })).tries,
    ).toBe(0);
    const fresh = await moveSteps(again);
    expect(said(await moveSecondFactor(again, code(fresh.secret), mailed, fresh.shown, meta))).toBe('ok');
  });

  it('the page never shows the secret in force as a QR code to scan', async () => {
    const { u, me } = await lostPhone();
    await db().user.update({
      where: { id: u.id },
      data: { totpSecret: encryptSecret(pendingSecretFor(u.id, me.sessionId)) },
    });
    expect(await movePage(me)).toEqual({ inForce: true });
  });

  it('a database failure while moving changes nothing, and the same codes work once it is back', async () => {
    const { u, me, oldSecret, oldCodes } = await lostPhone();
    const { secret, shown } = await moveSteps(me);
    const mailed = await mailedForMove(me);
    const app = code(secret);
    const restore = await failInserts(dialect, 'Session');
    try {
      await expect(moveSecondFactor(me, app, mailed, shown, meta)).rejects.toThrow(/simulated_outage/);
    } finally {
      await restore();
    }
    expect(await working(u.id, oldCodes.slice(1))).toBe(9);
    expect(await db().session.count({ where: { id: me.sessionId } })).toBe(1);
    expect(await db().mailMessage.count({ where: { to: u.email, template: 'security_change' } })).toBe(1);
    expect(said(await verifySecondFactor(await halfSignedIn(me), code(oldSecret, 1), meta))).toBe('ok');
    expect(said(await moveSecondFactor(me, app, mailed, shown, meta))).toBe('ok');
  });

  it.each(['en', 'es'] as const)(
    'the recovery-code mail (%s) sends a lost phone to the button the profile shows',
    async (locale: Locale) => {
      const { u } = await lostPhone();
      const t = translate(locale);
      const button = t('profile.move');
      // The two-factor page offers the same words.
      expect(t('mfa.move.link')).toBe(button);
      const alert = await db().mailMessage.findFirstOrThrow({
        where: { to: u.email, template: 'recovery_code_used' },
      });
      await db().user.update({ where: { id: u.id }, data: { locale } });
      const mail = await renderMessage(alert, new Date());
      const quoted = locale === 'en' ? `“${button}”` : `«${button}»`;
      expect(mail.ok && mail.mail.text).toContain(quoted);
      // And none left: the same way out is named beside "make new ones".
      const none = await renderMessage(
        { ...alert, payload: JSON.stringify({ ...JSON.parse(alert.payload), left: 0 }) },
        new Date(),
      );
      expect(none.ok && none.mail.text.split(quoted).length).toBe(3);
    },
  );
});

import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import { displayEmail } from '@/lib/auth/email-address';
import { readCode } from '@/lib/auth/codes';
import type { CurrentUser } from '@/lib/auth/session';
import { queueMail } from '@/lib/mail/queue';
import { db, type Tx } from '@/lib/server/db';
import { isForeignKeyViolation } from '@/lib/server/db/errors';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { consumeAll } from '@/lib/server/rate-limit';
import type { RequestMeta } from '@/lib/server/request-meta';
import { mac, macs, sameMac, seal } from '@/lib/server/seal';

// Turning on two-factor authentication needs a proof that the person in the session also reads the
// login's mailbox: a 6-digit code mailed to the login's address, typed beside the authenticator's
// first code (lib/auth/mfa/enrol.ts). Without it, anyone in a session of the login (a forwarded
// sign-in link, such as the block notice's; a browser left open) could turn the factor on with a
// phone only they hold and keep its recovery codes: the owner, mailed afterwards, could not sign in
// again without an operator. A password would not do: customers who sign in by emailed links only
// never chose one (the thirty-fifth session's review, OWASP ASVS 4.0 V2.5.1 / V3.3.4: re-authenticate
// before a change to the authentication factors). Moving the factor to a new phone takes the same
// proof beside the new app's first code (lib/auth/mfa/move.ts): that session passed the factor,
// perhaps with a recovery code, and a recovery code read off its owner's sheet must not buy a factor
// only its reader holds.

/** How long a mailed enrolment code works (ms). */
export const ENROL_PROOF_TTL_MS = 15 * 60_000;
/** Codes that may be typed against one mailed code; then it is spent and a new one must be sent. */
export const ENROL_PROOF_TRIES = 5;

/**
 * What the MAC covers: the session, the code and, for a password choice, the purpose (an enrolment
 * code keeps the form it had before purposes existed), so that a code mailed for one purpose is a
 * wrong code for the other: its mail names the page it works on, and a code read out for a password
 * must not turn on an authenticator (review of 1686bbb).
 */
const macInput = (sessionId: string, code: string, purpose: ProofPurpose) =>
  purpose === 'enrol' ? `${sessionId}:${code}` : `${purpose}:${sessionId}:${code}`;

const codeMac = (sessionId: string, code: string, purpose: ProofPurpose) =>
  mac(macInput(sessionId, code, purpose), 'enrol-proof-v1');

/**
 * Whether `code` is the one `sessionId` was sent for `purpose` (under AUTH_SECRET, or
 * AUTH_SECRET_PREVIOUS during a rotation).
 */
export const isEnrolmentCode = (stored: string, sessionId: string, code: string, purpose: ProofPurpose) =>
  macs(macInput(sessionId, code, purpose), 'enrol-proof-v1').some((m) => sameMac(m, stored));

/**
 * What a mailed code proves the mailbox for: turning on two-factor authentication (`enrol`), or
 * choosing a portal password where there is none (`password`: support removed it as they enabled the
 * login; lib/auth/change-password.ts). Either is a change to how the login is opened, which whoever
 * is in a session (a forwarded sign-in link, a browser left open) must not make alone. The code
 * proves the mailbox for this session, whichever it was asked for; the mail names the purpose.
 */
export type ProofPurpose = 'enrol' | 'password';

/**
 * What "Email me a code" is pressed for: a ProofPurpose, or `move` (the authenticator moved to a new
 * phone: lib/auth/mfa/move.ts). A move's code is an `enrol` one, stored and checked as such: it
 * proves the mailbox for setting up an authenticator app, the first or a new phone's. Its mail (the
 * enrolment_code template, payload `purpose` `move`) says what it is for: moving two-factor
 * authentication to a new phone, never turning it on, which someone who has just lost a phone would
 * read as something that did not happen. The precondition differs too: set-up wants the factor off,
 * a move wants it on and passed in this session.
 */
export type ProofRequest = ProofPurpose | 'move';

/** Past this many minutes a wait is said in hours: "in 23 hours", not "in 1380 minutes". */
const MINUTES_BEFORE_HOURS = 90;

/**
 * A wait of `seconds` as outcome.mfa.proofThrottled says it (a number and a plural, ICU): whole
 * minutes (`{ unit: 'minute', count }`, at least 1) up to MINUTES_BEFORE_HOURS, whole hours past
 * them (the day's limit: `{ unit: 'hour', count: 24 }`). Rounded up, so the wait said is never
 * shorter than the limit's.
 */
function waitValues(seconds: number): { unit: 'minute' | 'hour'; count: number } {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes > MINUTES_BEFORE_HOURS
    ? { unit: 'hour', count: Math.ceil(minutes / 60) }
    : { unit: 'minute', count: minutes };
}

/**
 * "Email me a code" on the two-factor set-up page (and, with `purpose` `password`, on the profile's
 * "Choose a portal password", refused outcome.auth.passwordExists once the login has one): a new
 * 6-digit code for this session (it replaces
 * the last one and its tries), valid ENROL_PROOF_TTL_MS, queued to the login's address with the
 * requester's client address (the enrolment_code template, worded for `request`, at most once, the
 * code sealed in the outbox and scrubbed once sent). Succeeds with outcome.mfa.proofSent, or outcome.mfa.proofResent
 * when it replaced a code (a different sentence, so a screen reader announces the second press);
 * refused with outcome.mfa.enrolledElsewhere when the factor is on already, outcome.sessionEnded
 * when the session ended meanwhile, or throttled (outcome.mfa.proofThrottled, with the wait in
 * minutes or hours: waitValues) past the `enrolProof` (per hour) or `enrolProofDay` limit per login.
 * With `request` `move` ("Move to a new phone", lib/auth/mfa/move.ts) the same, an `enrol` code,
 * but refused conflict outcome.mfa.moveOff when the factor is off (support reset it meanwhile), and
 * refused outcome.mfaFirst when this session has not passed it. The limits are shared: a move is
 * a set-up. Audited as mfa.enrol_code_sent (`for` `password` or `move` unless a first set-up).
 */
export async function sendEnrolmentProof(
  user: CurrentUser,
  meta: RequestMeta,
  request: ProofRequest = 'enrol',
): Promise<Outcome> {
  const purpose: ProofPurpose = request === 'move' ? 'enrol' : request;
  const on = await db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { totpEnabledAt: true, passwordHash: true },
  });
  if (request === 'enrol' && on.totpEnabledAt) return fail('conflict', 'outcome.mfa.enrolledElsewhere');
  if (request === 'move' && !on.totpEnabledAt) return fail('conflict', 'outcome.mfa.moveOff');
  if (request === 'move' && !user.mfaVerified) return fail('refused', 'outcome.mfaFirst');
  if (request === 'password' && on.passwordHash !== null)
    return fail('conflict', 'outcome.auth.passwordExists');
  const { over } = await consumeAll([
    { name: 'enrolProof', key: user.id },
    { name: 'enrolProofDay', key: user.id },
  ]);
  if (over) {
    const wait = over.status.limited ? over.status.retryAfterSec : 60;
    return fail('throttled', 'outcome.mfa.proofThrottled', waitValues(wait));
  }
  const code = crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');
  const expiresAt = new Date(Date.now() + ENROL_PROOF_TTL_MS);
  const replaced = await db
    .$transaction(async (tx) => {
      // The session ended meanwhile (signed out elsewhere): nothing is sent (the row would need it).
      if (!(await tx.session.findUnique({ where: { id: user.sessionId }, select: { id: true } })))
        return null;
      const before = await tx.enrolmentProof.findUnique({ where: { sessionId: user.sessionId } });
      const row = { userId: user.id, codeMac: codeMac(user.sessionId, code, purpose), expiresAt, tries: 0 };
      await tx.enrolmentProof.upsert({
        where: { sessionId: user.sessionId },
        create: { sessionId: user.sessionId, ...row },
        update: { ...row, createdAt: new Date() },
      });
      await queueMail(tx, user.email, 'enrolment_code', {
        userId: user.id,
        sessionId: user.sessionId,
        sealedCode: seal(code, 'mail-payload-v1'),
        expires: expiresAt.toISOString(),
        ip: meta.ip ?? null,
        // The mail's words: a set-up (no purpose), a move, or a password.
        ...(request === 'enrol' ? {} : { purpose: request }),
      });
      await audit(
        {
          action: 'mfa.enrol_code_sent',
          actor: user,
          detail: { replaced: !!before, ...(request === 'enrol' ? {} : { for: request }) },
          meta,
        },
        tx,
      );
      return !!before;
    })
    .catch((e: unknown) => {
      // Deleted between the check and the insert (PostgreSQL): the foreign key refuses the row.
      if (isForeignKeyViolation(e)) return null;
      throw e;
    });
  if (replaced === null) return fail('refused', 'outcome.sessionEnded');
  return succeed(undefined, {
    key: replaced ? 'outcome.mfa.proofResent' : 'outcome.mfa.proofSent',
    values: { email: displayEmail(user.email) },
  });
}

/**
 * Why a typed enrolment code was not taken: malformed (not 6 digits), none (no code was sent to
 * this session), expired, spent (ENROL_PROOF_TRIES codes typed against it), wrong.
 */
export type ProofRefusal = 'malformed' | 'none' | 'expired' | 'spent' | 'wrong';

/**
 * Checks the code typed into "Code from the email" against this session's mailed code for `purpose`
 * (a code mailed for the other purpose is `wrong`). Each check
 * counts one try first (so parallel guesses cannot pass the limit); a right code gives its try back,
 * so a wrong authenticator code typed beside it does not use the mailed code up. The row is deleted
 * by the enrolment itself (takeEnrolmentProof), in its transaction.
 */
export async function checkEnrolmentProof(
  user: Pick<CurrentUser, 'sessionId'>,
  typed: string | undefined,
  purpose: ProofPurpose = 'enrol',
): Promise<{ ok: true } | { ok: false; why: ProofRefusal }> {
  const code = readCode(typed ?? '');
  if (code.kind !== 'totp') return { ok: false, why: 'malformed' };
  const row = await db.enrolmentProof.findUnique({ where: { sessionId: user.sessionId } });
  if (!row) return { ok: false, why: 'none' };
  if (row.expiresAt.getTime() <= Date.now()) return { ok: false, why: 'expired' };
  const counted = await db.enrolmentProof.updateMany({
    where: { sessionId: user.sessionId, codeMac: row.codeMac, tries: { lt: ENROL_PROOF_TRIES } },
    data: { tries: { increment: 1 } },
  });
  // None counted: spent, or replaced by a newer code meanwhile (which this one is not).
  if (counted.count !== 1) return { ok: false, why: row.tries >= ENROL_PROOF_TRIES ? 'spent' : 'wrong' };
  if (!isEnrolmentCode(row.codeMac, user.sessionId, code.code, purpose)) return { ok: false, why: 'wrong' };
  await db.enrolmentProof.updateMany({
    where: { sessionId: user.sessionId, codeMac: row.codeMac, tries: { gt: 0 } },
    data: { tries: { decrement: 1 } },
  });
  return { ok: true };
}

/** Deletes this session's mailed code inside the change's transaction: it proves one change. */
export async function takeEnrolmentProof(tx: Tx, sessionId: string): Promise<void> {
  await tx.enrolmentProof.deleteMany({ where: { sessionId } });
}

/** The catalogue key that says `why` at the "Code from the email" field. */
export const proofRefusalKey = (why: ProofRefusal) =>
  (
    ({
      malformed: 'outcome.mfa.proofMalformed',
      none: 'outcome.mfa.proofNone',
      expired: 'outcome.mfa.proofExpired',
      spent: 'outcome.mfa.proofSpent',
      wrong: 'outcome.mfa.proofWrong',
    }) as const
  )[why];

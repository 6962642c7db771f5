import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import {
  awaitsSwitchAnswer,
  busyStill,
  busyUntilOf,
  MAX_BUSY_WAIT_SECONDS,
  pausedReadsUntil,
  unknownCause,
} from './change-state';
import { devicesForCredential } from '@/lib/devices/registrations';
import { consumeAll, LIMITS, reward, type LimitName } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { recordPasswordReset } from '@/lib/blocks/lifecycle';
import { liftIfRotated } from '@/lib/blocks/policy';
import { env } from '@/lib/server/env';
import { db, type Tx } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import { log } from '@/lib/server/log';
import { sharedNow } from '@/lib/server/clock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { queueMailToMembers, queuePasswordChangedAlert } from '@/lib/mail/queue';
import { unconfirmedChange } from '@/lib/mail/render';
import { acceptedOrRefused, checkPassword } from '@/lib/passwords/check';
import { switchClient } from '@/lib/switch/client';
import { failureNote, isKnownNotApplied, refusedTollgate } from '@/lib/switch/result';
import { storedSwitchError } from '@/lib/switch/error-text';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { recordReceipt, type Once, type Receipt } from '@/lib/server/idempotency';
import { localeOf } from '@/lib/i18n/locales';
import { requestFormatTag } from '@/lib/i18n/request-locale';
import { formatWhen } from '@/lib/time/format';

/**
 * data.recorded false: the switch has the new password, but recording it here is still in progress.
 * Refusals: invalid (too weak or too long: fieldErrors.password lists why), throttled (the checker's
 * limits or busy; or this credential's or this login's changes in the hour: countReset, with the
 * minutes to wait; or the switch asked to be left alone until a time not yet come: accountBusyUntil,
 * outcome.reset.switchBusy with `until`), conflict (another change of this credential is still waiting for the switch:
 * nothing sent), unavailable (the switch did not confirm; nothing recorded: refused, or its answer is
 * not known, worded by unknownCause, or by when the switch can be asked again when it asked Tollgate
 * to wait: outcome.reset.switchBusyUnknown with `until`, busyUntilOf), not_found (not theirs).
 */
export type ResetOutcome = Outcome<{ recorded: boolean; liftQueued: boolean }>;

/** A SIP credential with the words of its account that a password must not be built on. */
export type UserCredential = {
  id: string;
  accountId: string;
  username: string;
  label: string;
  account: { number: string; name: string };
};

/**
 * The credential if it belongs to one of the user's accounts (else null → 404), with its account's
 * number and name. One statement (the membership check inside it, STYLE.md: authorize inside the
 * query): Prisma's SQLite client read `include: { account }` with a `memberOf` filter as two, through
 * its model API, on every reset page and every submit (issue 14 goal 7, bench/README.md "password-check").
 */
export async function credentialForUser(
  userId: string,
  credentialId: string,
): Promise<UserCredential | null> {
  const rows = await db.$queryRaw<(Omit<UserCredential, 'account'> & { number: string; name: string })[]>`
    SELECT c."id", c."accountId", c."username", c."label", a."number", a."name"
    FROM "SipCredential" c JOIN "CustomerAccount" a ON a."id" = c."accountId"
    WHERE c."id" = ${credentialId}
      AND EXISTS (SELECT 1 FROM "Membership" m WHERE m."accountId" = c."accountId" AND m."userId" = ${userId})`;
  const row = rows[0];
  if (!row) return null;
  const { number, name, ...cred } = row;
  return { ...cred, account: { number, name } };
}

/**
 * Sets a SIP password on the switch, synchronously: only a confirmed change is recorded. The password
 * itself is passed to the switch and forgotten: it is not stored, logged, audited or returned. The
 * change is recorded as an intent (SipPasswordChange, without the password) before the call and
 * completed after the switch's 204, so the switch's acceptance is never lost (see below). `once` (the
 * reset form's idempotency key, lib/server/idempotency.ts) is recorded with the intent, in its
 * transaction: a resend of the same form finds it and is answered by replayReset, never sent again.
 */
export async function resetSipPassword(
  user: CurrentUser,
  credentialId: string,
  password: string,
  meta: RequestMeta,
  once?: Once,
): Promise<ResetOutcome> {
  const cred = await credentialForUser(user.id, credentialId);
  if (!cred) return missing();
  // The switch asked to be left alone until then (a 429 or 503 with Retry-After, RFC 9110 §10.2.3):
  // honoured before anything is checked, counted, written or sent (a tester, 2026-12-08: a second
  // submit before that time still reached the switch).
  const busy = await accountBusyUntil(cred.accountId);
  if (busy) return fail('throttled', 'outcome.reset.switchBusy', { until: await readerTime(user, busy) });
  const checked = await checkPassword(
    password,
    {
      userInputs: [cred.account.number, cred.account.name, cred.username, user.email],
      username: cred.username,
      sipMinGuessesLog10: env().SIP_PASSWORD_MIN_GUESSES_LOG10,
    },
    { userId: user.id, ip: meta.ip },
  );
  const judged = acceptedOrRefused(checked, 'password');
  if (!judged.ok) return judged.refused;
  const verdict = judged.assessment;
  if (await changeInFlight(cred.id)) return fail('conflict', 'outcome.reset.inFlight');
  const counted = await countReset(user.id, cred.id);
  if (!counted.ok) return counted.refusal;

  // The intent is recorded before the switch is called, so that a change the switch accepted is
  // never lost: if recording its completion fails (or the process dies), it is completed later.
  const change = await beginChange(
    cred,
    { userId: user.id, score: verdict.score, ip: meta.ip, userAgent: meta.userAgent },
    once,
  ).catch(async (e: unknown) => {
    await counted.giveBack(); // nothing was sent
    throw e;
  });
  if (!change) {
    await counted.giveBack();
    return fail('conflict', 'outcome.reset.inFlight');
  }
  const res = await switchClient().setSipPassword(cred.username, password, crypto.randomUUID());
  if (!res.ok) {
    const status = isKnownNotApplied(res) ? 'failed' : 'unknown';
    // As the outboxes store it (lib/switch/error-text.ts): unknownCause reads it back for a resend.
    const stored = storedSwitchError(res).slice(0, 500);
    // The switch said no: nothing changed, so the change does not count on the login's ceiling. It
    // stays counted on the credential's own limit (review, 2026-12-07: given back on both, a stolen
    // session could send 1 200 refused changes an hour, bounded only by the check limit), and a
    // refusal of Tollgate itself (401/403: its own token) gives nothing back.
    if (status === 'failed' && !refusedTollgate(res)) await counted.switchRefused();
    // When the answer came, as stored: the time a busy answer's wait counts from (busyUntilOf), on
    // the shared clock a new change is refused by (accountBusyUntil).
    const answeredAt = sharedNow();
    await db.$transaction(async (tx) => {
      // Settled once: by this answer, or already by the recovery (a call that outlived stuckMs). A
      // refusal still corrects an `unknown` the recovery wrote: nothing changed after all (its alert,
      // not sent yet, is then not sent: lib/mail/render.ts).
      const moved = await tx.sipPasswordChange.updateMany({
        where: { id: change.id, status: status === 'failed' ? { in: ['sending', 'unknown'] } : 'sending' },
        data: { status, completedAt: answeredAt, error: stored },
      });
      if (moved.count !== 1) return;
      // A change with no answer may be in force on the switch: it is audited as unconfirmed, the name
      // the recovery after a restart also uses, never as failed (CONTRACTS §3), and the members are
      // told (the row says whether they were: `alert`).
      const alert =
        status === 'unknown'
          ? await alertUnconfirmed(tx, cred.accountId, change, user.email, unknownCause(stored))
          : undefined;
      await audit(
        {
          action: status === 'failed' ? 'sip_password.change_failed' : 'sip_password.change_unknown',
          actor: user,
          accountId: cred.accountId,
          target: { type: 'sip_credential', id: cred.id },
          detail: { username: cred.username, switch: res.kind, code: res.code, outcome: status, alert },
          meta,
        },
        tx,
      );
    });
    // No answer (a timeout), or not the switch's confirmation (a 5xx, a garbled 200): the switch may
    // have applied it, and only a new password settles which one is in force, as the reset page then
    // says (unsettledChange). A switch that asked to be left alone for a while (a 429 or 503 with
    // Retry-After) is told apart: "set a new password now" would only be answered the same (a
    // tester, 2026-12-07), so the customer reads that it is busy and from when to set it again: the
    // time read from the row as stored (busyUntilOf), which the page's notice and every other reader
    // of it name too (a tester, 2026-12-08: the answer, read on its own clock, named another second).
    const row =
      status === 'unknown'
        ? await db.sipPasswordChange.findUnique({
            where: { id: change.id },
            select: { status: true, error: true, completedAt: true },
          })
        : null;
    const busyUntil = row ? busyUntilOf(row) : null;
    if (busyUntil)
      return fail('unavailable', 'outcome.reset.switchBusyUnknown', {
        until: await readerTime(user, busyUntil),
      });
    if (status === 'unknown') return fail('unavailable', UNKNOWN_KEY[unknownCause(stored)]);
    return fail('unavailable', 'outcome.reset.switchFailed', {
      failure: failureNote(res, { key: 'outcome.switch.action.sipPassword' }),
    });
  }
  // On the shared clock (lib/server/clock.ts), as the block's `createdAt` the rotation policy compares
  // it with: another instance's clock ahead of this one counted a password set before the block as
  // changed after it (review, session 33).
  const recorded = await completeWithRetries(change.id, sharedNow());
  return succeed(
    recorded ? { recorded: true, liftQueued: recorded.liftQueued } : { recorded: false, liftQueued: false },
  );
}

/** Who reads an answer, for readerTime: their zone, language and accounts' country (CurrentUser's). */
export type Reader = Pick<CurrentUser, 'timeZone' | 'locale' | 'accountCountry'>;

/**
 * `at` to the second in `user`'s zone, in the language the action answers in (User.locale, as
 * lib/server/safe-action.ts picks it: localeOf) and the tag their pages format it with
 * (requestFormatTag), as the answer to a resent form says when it was first sent: the words the
 * reset page's ZONED_SECONDS gives the same moment.
 */
async function readerTime(user: Reader, at: Date): Promise<string> {
  const locale = await requestFormatTag(localeOf(user), user);
  return formatWhen(at, user.timeZone, { seconds: true, locale });
}

/**
 * Until when the switch asked to be left alone about the SIP passwords of account `accountId`, or
 * null when it did not, or that time has come (on the shared clock, `now`): the latest busyUntilOf
 * of the account's changes it answered by asking to wait (a 429, or a 503, with `Retry-After`, RFC
 * 9110 §10.2.3; status `unknown`, the wait stored first in the error). For the account, not the one
 * credential: the switch's answer is not about a credential (docs/switch-api.md: a 429 quiets the
 * whole instance, "whichever call got it"; the simulator's faults and the reference switch's `503
 * switch_busy` are the switch's or a scope's, not a password's), so the account's other credentials
 * are not sent either; other accounts' customers never read this account's answers. One statement,
 * on the (credentialId, …) rows of the account's credentials answered within the longest honoured
 * wait (MAX_BUSY_WAIT_SECONDS).
 */
export async function accountBusyUntil(accountId: string, now = sharedNow()): Promise<Date | null> {
  const rows = await db.sipPasswordChange.findMany({
    where: {
      credential: { accountId },
      status: 'unknown',
      error: { startsWith: 'asked_to_wait:' },
      completedAt: { gt: new Date(now.getTime() - (MAX_BUSY_WAIT_SECONDS + 1) * 1000) },
    },
    select: { status: true, error: true, completedAt: true },
  });
  let latest: Date | null = null;
  for (const r of rows) {
    const until = busyUntilOf(r);
    if (until && until > now && (!latest || until > latest)) latest = until;
  }
  return latest;
}

/** The customer's words for a change whose switch answer is not known, by why (unknownCause). */
const UNKNOWN_KEY = {
  no_answer: 'outcome.reset.switchUnknown',
  error_answer: 'outcome.reset.switchErrorUnknown',
} as const;

/** The changes one login may make per hour, this many per credential it can reach. */
export const RESETS_PER_CREDENTIAL_AN_HOUR = 2;

/**
 * The `sipPassword` ceiling of login `userId`: RESETS_PER_CREDENTIAL_AN_HOUR times the SIP credentials
 * of all its accounts (one statement), and never less than LIMITS.sipPassword.points. Every one of a
 * PBX's 20 to 80 credentials rotated after a compromise, and once more each for phones that took the
 * first one wrong, is never refused; a stolen session still makes at most that many changes an hour,
 * and at most LIMITS.sipPasswordCredential of any one credential.
 */
export async function resetCeiling(userId: string): Promise<number> {
  const reachable = await db.sipCredential.count({
    where: { account: { memberships: { some: { userId } } } },
  });
  return Math.max(LIMITS.sipPassword.points, RESETS_PER_CREDENTIAL_AN_HOUR * reachable);
}

/**
 * Counts a change login `userId` is about to send of credential `credentialId`, before anything is
 * written or sent, so that a burst in parallel cannot pass: on `sipPasswordCredential` (key "<user id>
 * <credential id>"), then on `sipPassword` (key the user id) against the login's resetCeiling. Keys
 * are the login's own: no stranger, and no other member, can spend them. Accepted: the caller calls
 * `giveBack()` (best effort, never throws) when nothing reached the switch, and `switchRefused()` when
 * the switch refused the change (known not applied, not a refusal of Tollgate's own token): that gives
 * back the login's ceiling only, so the ceiling counts changes that may be in force while each
 * credential's limit still bounds the calls sent to the switch (5 an hour each, refused or not). Refused: what this attempt
 * counted is given back, and the outcome is `throttled` with `minutes` until the refusing window ends,
 * as the other refusals with a wait say it (lib/auth/sign-in.ts, change-password.ts):
 * outcome.reset.tooManyCredential (this credential) or outcome.reset.tooMany (this login). Throws what
 * the database throws (nothing then stays counted: consumeAll).
 */
async function countReset(
  userId: string,
  credentialId: string,
): Promise<
  | { ok: true; giveBack: () => Promise<void>; switchRefused: () => Promise<void> }
  | { ok: false; refusal: ResetOutcome }
> {
  const keys: { name: LimitName; key: string; points?: number }[] = [
    { name: 'sipPasswordCredential', key: `${userId} ${credentialId}` },
    { name: 'sipPassword', key: userId, points: await resetCeiling(userId) },
  ];
  const back = (given: typeof keys) =>
    Promise.all(given.map((k) => reward(k.name, k.key))).then(
      () => undefined,
      () => undefined,
    );
  const giveBack = (upTo: number) => back(keys.slice(0, upTo));
  const { over } = await consumeAll(keys);
  if (!over)
    return {
      ok: true,
      giveBack: () => giveBack(keys.length),
      switchRefused: () => back(keys.filter((k) => k.name === 'sipPassword')),
    };
  await giveBack(keys.findIndex((k) => k.name === over.name) + 1);
  const retryAfterSec = over.status.limited ? over.status.retryAfterSec : LIMITS[over.name].duration;
  const minutes = Math.max(1, Math.ceil(retryAfterSec / 60));
  const key =
    over.name === 'sipPasswordCredential' ? 'outcome.reset.tooManyCredential' : 'outcome.reset.tooMany';
  return { ok: false, refusal: fail('throttled', key, { minutes }) };
}

/**
 * Whether a change of this credential's password is still waiting for the switch's answer: an intent
 * `sending`, not yet confirmed, younger than the longest a live call takes (an older one was cut
 * short by a restart; `recoverPasswordChanges` settles it). Two changes of one credential on the wire at once would each be told
 * "Password updated" with its own password, while the switch keeps whichever it applied last.
 */
async function changeInFlight(credentialId: string, tx: Pick<Tx, 'sipPasswordChange'> = db) {
  const found = await tx.sipPasswordChange.findFirst({
    where: {
      credentialId,
      status: 'sending',
      switchConfirmedAt: null,
      createdAt: { gt: new Date(sharedNow().getTime() - inFlightMs()) },
    },
    select: { id: true },
  });
  return found !== null;
}

/**
 * Records the intent of a change (never the password), unless another change of the same credential
 * is in flight (then null). Under the account's lock, so of two tabs, two members or two instances
 * submitting at once exactly one goes to the switch; the other is told to wait and look again. The
 * form's receipt (`once`) is written with the intent: the resend of a form whose intent committed is
 * answered from the intent (replayReset), whatever became of it.
 */
async function beginChange(
  cred: UserCredential,
  data: { userId: string; score: number; ip: string | null; userAgent: string | null },
  once: Once | undefined,
) {
  return db.$transaction(async (tx) => {
    await lockAccount(tx, cred.accountId);
    if (await changeInFlight(cred.id, tx)) return null;
    // Stamped on the shared clock (lib/server/clock.ts): other instances judge "in flight" and "stuck" by it.
    const change = await tx.sipPasswordChange.create({
      data: { credentialId: cred.id, createdAt: sharedNow(), ...data },
    });
    await recordReceipt(
      tx,
      once,
      { key: 'outcome.again.sipPassword', values: { username: cred.username } },
      change.id,
    );
    return change;
  });
}

/**
 * The answer to a resend of a reset form whose first submission recorded its intent (`receipt.ref`
 * is the SipPasswordChange; `at` when it was sent, worded for the reader), as that change stands now:
 * confirmed by the switch → success `outcome.again.sipPassword` (the password is not shown again, and
 * the one sent now was not used); refused by the switch → unavailable `outcome.again.sipRefused`
 * (nothing changed; a new render sets one); still on the wire → conflict `outcome.reset.inFlight`; no
 * answer known → unavailable `outcome.reset.switchUnknown`, or `switchErrorUnknown` when the switch
 * answered with an error (unknownCause of its stored error), or `switchBusyUnknown` with `until` (to
 * the second, for `reader`: their zone and language; UTC in English without one) when it answered by
 * asking to wait (busyUntil of the row, the time the first answer and the reset page name). Nothing
 * is sent to the switch.
 */
export async function replayReset(
  receipt: Receipt,
  at: string,
  reader?: Reader | null,
): Promise<ResetOutcome> {
  const change = receipt.ref
    ? await db.sipPasswordChange.findUnique({
        where: { id: receipt.ref },
        select: { status: true, createdAt: true, switchConfirmedAt: true, error: true, completedAt: true },
      })
    : null;
  const values = { ...receipt.note.values, at };
  if (change?.switchConfirmedAt || change?.status === 'applied')
    return succeed(undefined, { key: 'outcome.again.sipPassword', values });
  if (change?.status === 'failed') return fail('unavailable', 'outcome.again.sipRefused', values);
  const live =
    change?.status === 'sending' && change.createdAt.getTime() > sharedNow().getTime() - inFlightMs();
  if (live) return fail('conflict', 'outcome.reset.inFlight');
  const busyUntil = change ? busyUntilOf(change) : null;
  if (busyUntil)
    return fail('unavailable', 'outcome.reset.switchBusyUnknown', {
      until: await readerTime(reader ?? { timeZone: 'UTC', locale: 'en' }, busyUntil),
    });
  return fail('unavailable', UNKNOWN_KEY[unknownCause(change?.error ?? null)]);
}

const RETRY_DELAYS_MS = [250, 1000, 3000];

/**
 * Records a confirmed change, retrying a busy or failing database a few times while the user waits;
 * if it still fails, keeps retrying in the background (and `recoverPasswordChanges` finishes it after
 * a restart). Returns null when it could not be recorded yet: the switch has the password anyway.
 */
async function completeWithRetries(
  changeId: string,
  confirmedAt: Date,
): Promise<{ liftQueued: boolean } | null> {
  for (const delay of [0, ...RETRY_DELAYS_MS]) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    try {
      await db.sipPasswordChange.updateMany({
        where: { id: changeId, switchConfirmedAt: null },
        data: { switchConfirmedAt: confirmedAt },
      });
      return await completePasswordChange(changeId);
    } catch (e) {
      log().warn(
        { changeId, err: (e as Error).message.split('\n')[0] },
        'recording a confirmed SIP password change failed; retrying',
      );
    }
  }
  const background = setInterval(() => {
    db.sipPasswordChange
      .updateMany({
        where: { id: changeId, switchConfirmedAt: null },
        data: { switchConfirmedAt: confirmedAt },
      })
      .then(() => completePasswordChange(changeId))
      .then(
        () => clearInterval(background),
        () => undefined,
      );
  }, 5000);
  background.unref();
  setTimeout(() => clearInterval(background), 10 * 60_000).unref();
  return null;
}

/**
 * Completes a change the switch confirmed (`switchConfirmedAt` set, status `sending`): the
 * credential's `passwordChangedAt`, the timeline, the audit row, the security email to every member
 * and the rotation policy, in one transaction. Idempotent: only one completion moves the status
 * (`sending`, or `unknown` when the recovery settled it before the confirmation could be recorded).
 */
export async function completePasswordChange(changeId: string): Promise<{ liftQueued: boolean }> {
  return db.$transaction(async (tx) => {
    const c = await tx.sipPasswordChange.findUniqueOrThrow({
      where: { id: changeId },
      include: { credential: true },
    });
    if (!c.switchConfirmedAt)
      throw new Error('completePasswordChange: the switch has not confirmed this change');
    // When the password may have been in force from: when the change was sent (recorded just before
    // the switch was asked), not when its answer came. The switch can apply a password and answer
    // seconds later; a block the portal heard of in between, whose fraud calls may already have used
    // the new password, was lifted as "every password changed since the block" (a fault tester, stop
    // 54). Dated from the sending, such a change is before the block, and the customer sets another.
    const changedAt = c.createdAt;
    // The account's lock first: the rotation policy below reads every credential of the account. Two
    // completions of one account (two members, two instances) at once on PostgreSQL (READ COMMITTED)
    // would otherwise each read the other's credential before it committed, and neither would lift.
    await lockAccount(tx, c.credential.accountId);
    // From `unknown` too: a confirmation recorded after the recovery gave up on the change (the
    // database was busy past it) is still the switch's 204, and the switch has this password.
    const moved = await tx.sipPasswordChange.updateMany({
      where: { id: changeId, status: { in: ['sending', 'unknown'] } },
      data: { status: 'applied', completedAt: new Date(), error: null },
    });
    if (moved.count !== 1) return { liftQueued: false };
    const cred = c.credential;
    const user = await tx.user.findUnique({ where: { id: c.userId }, select: { id: true, email: true } });
    // Who changed it: their address as stored (pages and mail show it with displayEmail). A login
    // that cannot be found is no one's words: the timeline shows no actor, the mail says "unknown"
    // in its reader's language (it was an English 'unknown user' in both).
    const by = user?.email ?? null;
    // Never backwards: a change sent earlier whose completion came late (its 204 recorded, the database
    // busy, completed by the retries after a newer change was completed) does not date the credential
    // before the newer one, which is the password the switch was last sent.
    await tx.sipCredential.updateMany({
      where: { id: cred.id, OR: [{ passwordChangedAt: null }, { passwordChangedAt: { lt: changedAt } }] },
      data: { passwordChangedAt: changedAt, passwordScore: c.score },
    });
    await recordPasswordReset(tx, cred.accountId, by ?? '', `${cred.label} (${cred.username})`, changedAt);
    await audit(
      {
        action: 'sip_password.changed',
        actor: user,
        accountId: cred.accountId,
        target: { type: 'sip_credential', id: cred.id },
        detail: { username: cred.username, score: c.score, changeId },
        meta: { ip: c.ip, userAgent: c.userAgent },
      },
      tx,
    );
    // Every member who receives mail (not a disabled login), as every other mail about the account;
    // a change made while the member's alert about the account still waits joins it (one alert for a
    // sitting of changes, not one per credential: lib/mail/queue.ts queuePasswordChangedAlert).
    await queuePasswordChangedAlert(tx, cred.accountId, {
      credentialId: cred.id,
      changedAt: changedAt.toISOString(),
      ip: c.ip,
      by,
    });
    const lifted = await liftIfRotated(tx, cred.accountId);
    return { liftQueued: lifted.length > 0 };
  });
}

/**
 * What the reset page must say about the credential's latest change when the switch's answer to it
 * is not known: `in_flight` (still waiting for it, another tab's or another member's), or `unknown`
 * (the answer never came: a timeout, or a restart in the middle; or the switch answered with an
 * error: `cause`, unknownCause; the switch may have that password, and a password change ends
 * registrations). Null when the latest change was confirmed, or there is
 * none: then the credential's `passwordChangedAt` is the switch's truth as far as it is known. A change
 * the switch refused (`failed`) changed nothing, so it settles nothing: the one before it decides
 * (review, session 33: a refusal after an unanswered change hid that the first may be in force).
 */
export async function unsettledChange(credentialId: string): Promise<Unsettled | null> {
  return (await latestChange(credentialId)).unsettled;
}

/**
 * The credential's latest change the switch did not refuse, as the reset page says it: `unsettled`
 * (unsettledChange's answer), or, when the switch confirmed it, `confirmed`: when (`at`, the switch's
 * confirmation as recorded) and who set it (`byId`, the login; `email`, its address, null once the
 * login is gone). Both null when there is no such change (a credential never changed here). One
 * statement (the change joined with its login): the page tells a member that another member set the
 * password a moment ago (two members of one account each set it in turn, the second unaware: tester,
 * 2026-12-06).
 */
export async function latestChange(
  credentialId: string,
): Promise<{
  unsettled: Unsettled | null;
  confirmed: { at: Date; byId: string; email: string | null } | null;
}> {
  const [last] = await db.$queryRaw<
    {
      status: string;
      createdAt: Date | string | number;
      switchConfirmedAt: Date | string | number | null;
      completedAt: Date | string | number | null;
      userId: string;
      email: string | null;
      error: string | null;
    }[]
  >`SELECT c."status", c."createdAt", c."switchConfirmedAt", c."completedAt", c."userId", u."email",
      c."error"
    FROM "SipPasswordChange" c LEFT JOIN "User" u ON u."id" = c."userId"
    WHERE c."credentialId" = ${credentialId} AND c."status" <> 'failed'
    ORDER BY c."createdAt" DESC LIMIT 1`;
  if (!last) return { unsettled: null, confirmed: null };
  const createdAt = asDate(last.createdAt);
  if (!awaitsSwitchAnswer(last)) {
    const at = asDate(last.switchConfirmedAt ?? last.completedAt ?? last.createdAt);
    return { unsettled: null, confirmed: { at, byId: last.userId, email: last.email } };
  }
  if (last.status === 'unknown') {
    // The switch asked to be left alone (a 429 or 503 with Retry-After): from when to set it again.
    const busyUntil = busyUntilOf(last);
    return {
      unsettled: {
        kind: 'unknown',
        at: createdAt,
        cause: unknownCause(last.error),
        ...(busyUntil ? { busyUntil } : {}),
      },
      confirmed: null,
    };
  }
  const stuck = createdAt.getTime() < sharedNow().getTime() - inFlightMs();
  const unsettled: Unsettled = stuck
    ? { kind: 'unknown', at: createdAt, cause: 'no_answer' }
    : { kind: 'in_flight', at: createdAt };
  return { unsettled, confirmed: null };
}

/**
 * The reset page's one read of the credential's registered devices (lib/devices/registrations.ts
 * devicesForCredential: scoped to `userId`'s accounts, null when not theirs), with the time reads are
 * paused until (NotRead `paused`) named as the page's change names it when the pause is that change's
 * busy answer (pausedReadsUntil with `latest`'s `busyUntil`): one time on the page, not the quiet's
 * and the change's a second apart. A busy time that has come by `now` (busyStill; default: this
 * read's time, the page's render) is not named: the page's notice then says a new password can be
 * set now (components/sip/unsettled.tsx), and the reads stay paused until the quiet's own time, which
 * is still ahead (it may end up to 2 s after the change's). `latest`: the page's latestChange, read
 * beside it.
 */
export async function resetPageDevices(
  userId: string,
  credentialId: string,
  latest: Promise<{ unsettled: Unsettled | null }>,
  now?: Date,
): Promise<Awaited<ReturnType<typeof devicesForCredential>>> {
  const [loaded, { unsettled }] = await Promise.all([devicesForCredential(userId, credentialId), latest]);
  const busy = unsettled?.kind === 'unknown' ? busyStill(unsettled.busyUntil, now ?? new Date()) : undefined;
  if (!loaded || !busy) return loaded;
  return {
    ...loaded,
    credentials: loaded.credentials.map((c) =>
      c.notRead?.reason === 'paused'
        ? { ...c, notRead: { reason: 'paused', until: pausedReadsUntil(c.notRead.until, busy) } }
        : c,
    ),
  };
}

/**
 * A change whose switch answer is not known, as the reset page says it: `in_flight` (still on the
 * wire), or `unknown` (sent at `at`), with why (`cause`: unknownCause; `no_answer` for a change a
 * restart cut short) and, when the switch answered it by asking Tollgate to wait (a 429 or 503 with
 * Retry-After), from when it may be asked again (`busyUntil`: busyUntilOf, the row's stored answer).
 */
export type Unsettled =
  | { kind: 'in_flight'; at: Date }
  | { kind: 'unknown'; at: Date; cause: 'no_answer' | 'error_answer'; busyUntil?: Date };

/** A time a raw read returns: a Date (PostgreSQL), or the text or number SQLite stores. */
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));

/**
 * The longest a live call setting a password can take, in ms: three attempts of
 * `SWITCH_API_TIMEOUT_MS` and two backoffs of at most 2 s (lib/switch/client.ts), with 5 s to spare.
 * A change still `sending` after it is no longer on the wire: its process died (kill -9, a restart).
 */
const inFlightMs = () => 3 * env().SWITCH_API_TIMEOUT_MS + 2 * 2000 + 5000;

/**
 * How long a change may stay `sending` before a restart is presumed to have cut it short: 2 minutes,
 * or longer than any live call (a 60 s timeout makes one last up to 3 minutes). A live call must never
 * be settled as `unknown` under it.
 */
const stuckMs = () => Math.max(2 * 60_000, inFlightMs());

/**
 * Tells every member who receives mail that the SIP password of the change's credential may have
 * changed: the `sip_password_changed` alert, dated when the change was sent (`createdAt`), naming the
 * change (`unconfirmedChangeId`), by which lib/mail/render.ts words it "may have changed" (or drops it
 * once the switch's answer was recorded after all, or a newer password was confirmed).
 * The switch may have the new password and, if so, has ended every registration of the credential
 * (CONTRACTS §3), so this is the security alert an applied change gets (lib/mail/delivery-policy.ts:
 * at-least-once). Called in the transaction that settles the change as `unknown`, once per change.
 * Nothing is queued when the switch already confirmed a newer change of the credential (sent after
 * this one: a customer who set the password again after a restart, before the recovery settled this
 * one): that password is in force, its own alert went, and "may have changed… set it again" would be
 * false (lib/mail/render.ts unconfirmedChange, the same rule the renderer applies to an alert queued
 * before that confirmation). `by`: the address of who made it (null when not known); `cause`, why its
 * answer is not known (unknownCause: the alert says whether the switch answered with an error or
 * gave no answer). Returns `queued`, or why nothing was (unconfirmedChange's answer: `overtaken`, …),
 * for the audit row.
 */
async function alertUnconfirmed(
  tx: Tx,
  accountId: string,
  change: { id: string; credentialId: string; createdAt: Date; ip: string | null },
  by: string | null,
  cause: 'no_answer' | 'error_answer',
): Promise<'queued' | 'confirmed_since' | 'refused_since' | 'overtaken'> {
  const now = await unconfirmedChange(change.id, tx);
  if (now !== 'unconfirmed') return now;
  await queueMailToMembers(tx, accountId, 'sip_password_changed', {
    credentialId: change.credentialId,
    changedAt: change.createdAt.toISOString(),
    ip: change.ip,
    by,
    unconfirmedChangeId: change.id,
    unconfirmedCause: cause,
  });
  return 'queued';
}

/**
 * After a restart: changes the switch confirmed are completed; changes whose switch call never came
 * back are marked `unknown`, audited, and the members alerted that the password may have changed
 * (alertUnconfirmed; the switch may or may not have the new password: the customer sees "not
 * confirmed" and sets it again). Each change is settled once, by one instance. Returns how many rows
 * it settled.
 */
export async function recoverPasswordChanges(now = sharedNow()): Promise<number> {
  const stuck = await db.sipPasswordChange.findMany({
    where: { status: 'sending', createdAt: { lt: new Date(now.getTime() - stuckMs()) } },
    take: 50,
    include: { credential: true },
  });
  for (const c of stuck) {
    if (c.switchConfirmedAt) {
      await completePasswordChange(c.id);
      continue;
    }
    await db.$transaction(async (tx) => {
      // Not one whose confirmation was recorded since it was read: that one is completed instead.
      const moved = await tx.sipPasswordChange.updateMany({
        where: { id: c.id, status: 'sending', switchConfirmedAt: null },
        data: {
          status: 'unknown',
          completedAt: now,
          error: 'no answer from the switch was recorded (restart?)',
        },
      });
      if (moved.count !== 1) return;
      const who = await tx.user.findUnique({ where: { id: c.userId }, select: { email: true } });
      const alert = await alertUnconfirmed(tx, c.credential.accountId, c, who?.email ?? null, 'no_answer');
      await audit(
        {
          action: 'sip_password.change_unknown',
          accountId: c.credential.accountId,
          target: { type: 'sip_credential', id: c.credentialId },
          detail: { username: c.credential.username, changeId: c.id, alert },
          meta: { ip: c.ip, userAgent: c.userAgent },
        },
        tx,
      );
    });
  }
  return stuck.length;
}

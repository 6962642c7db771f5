import 'server-only';
import { env } from '@/lib/server/env';
import { db, type Tx } from '@/lib/server/db';
import type { MailMessage } from '@/lib/generated/sqlite/client';
import {
  LIFT_WITHDRAWN,
  type LiftWithdrawn,
  MAIL_PAYLOADS,
  type MailTemplate,
  readPayload,
  type SecurityChange,
  sipPasswordChanges,
} from '@/lib/mail/payloads';
import {
  continueLink,
  hashLinkToken,
  linkExpiry,
  messageLinkToken,
  NOTICE_LINK_MAX_AGE_SEC,
  unlockIdentifier,
} from '@/lib/mail/link-token';
import { unseal } from '@/lib/server/seal';
import { isLocale, type Locale, localeOf } from '@/lib/i18n/locales';
import {
  allowanceDenied,
  allowanceMail,
  allowanceNotStarted,
  allowanceReceived,
} from '@/lib/mail/templates/allowance';
import { GAVE_UP } from '@/lib/allowances/operations';
import { blockLifted } from '@/lib/mail/templates/block-lifted';
import { blockNotice, MAX_CALLS } from '@/lib/mail/templates/block-notice';
import { accountNeedsPerson } from '@/lib/policy/settings';
import { callOverview } from '@/lib/blocks/call-overview';
import { blockDestinations } from '@/lib/blocks/destinations';
import { accountCountry } from '@/lib/phone/plan';
import { mfaLocked } from '@/lib/mail/templates/mfa-locked';
import { recoveryCodeUsed } from '@/lib/mail/templates/recovery-code-used';
import { loginEnabled } from '@/lib/mail/templates/login-enabled';
import { securityChange } from '@/lib/mail/templates/security-change';
import { type Asker, type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import type { Rendered } from '@/lib/mail/templates/layout';
import {
  requestApproved,
  requestDenied,
  requestClosed,
  requestLiftFailed,
  requestReceived,
} from '@/lib/mail/templates/requests';
import { signInLink } from '@/lib/mail/templates/sign-in-link';
import { enrolmentCode } from '@/lib/mail/templates/enrolment-code';
import { isEnrolmentCode } from '@/lib/auth/mfa/enrol-proof';
import { sipPasswordChanged, sipPasswordsChanged } from '@/lib/mail/templates/sip-password-changed';
import { busyStill, busyUntilOf } from '@/lib/credentials/change-state';
import { accountBlocked } from '@/lib/allowances/blocked';
import { sharedNow } from '@/lib/server/clock';
import { lockAccount } from '@/lib/server/db/lock';
import { pendingAlertDue, queueMail } from '@/lib/mail/queue';

// Turns an outbox row into a message, reading what it needs from the database at send time.
// Rendering is deterministic for a row (times come from the database, the link token from the row
// id, the expiry from the first attempt), so a re-send after a crash is the same message.
//
// A message is about a state (a block in force, a request waiting for support, an allowance running)
// that may have ended by the time it is sent: the outbox retries through an SMTP outage with a
// backoff per row, so after one the mail about the end can be due before the mail about the start.
// A message never claims a state that no longer holds when it is sent. Each template decides:
// - said in the past tense, what happened and that it is over: block_notice (a block lifted since;
//   CONTRACTS §4 promises every new block its notice, and its calls say what to look at; the
//   approved requests whose lift it withdrew it names only while they still wait for support),
//   request_approved and request_denied (the block lifted since), request_closed (no other block
//   in force any more), allowance_denied (no block in force any more, or a newer allowance for the
//   country asked for since: then neither "calls there stay blocked" nor "ask again");
// - not sent, the row failed with a reason that starts `superseded:`, where a later mail says it
//   all: request_received (decided, withdrawn or closed since), request_approved (no longer
//   approved: request_lift_failed, or the notice of the new block that withdrew its lift, says so),
//   request_lift_failed (the request moved on, or its block was lifted), block_lifted (a newer
//   block in force: its own notice says so; what the lift closed is handed on:
//   closedBySupersededLift, handOnClosedRequests), allowance_started (ended
//   since: the allowance's status, which follows the switch), allowance_ended (no block in force:
//   block_lifted says every country works), allowance_received (decided or closed since: the
//   denial, the start, or the block notice or block_lifted that closed it says so),
//   allowance_not_started (no block in force any more: block_lifted says every country works; or a
//   newer allowance for the country started since: allowance_started says so),
//   sip_password_changed about a change the switch's answer was lost for (confirmed since: that
//   confirmation's own alert says so; refused since: nothing changed; a newer password of the same
//   credential confirmed by the switch: that one is in force, and its own alert says so);
// - kept in order: block_lifted waits while a block notice of the same account to the same address
//   is still pending, so that "calling is back" never comes before the notice it follows; and
//   block_lifted and request_closed (lib/mail/queue.ts ALERT_GOES_FIRST) wait while a SIP password
//   alert about the account to the same address is pending and not held (alertFirst), so that the
//   alert of the change that lifted the block comes before the news of the lift.
// A row this version cannot read (a template it does not know, a payload that is not JSON or does
// not fit its schema) is none of these: during a rolling upgrade or after a rollback an older
// instance claims the newer release's mail, so it is put back for an instance that can read it
// (`unreadable`, lib/mail/worker.ts), never failed as "not sent".

/**
 * What the worker does with a row: send `mail` (and make `verificationToken` valid), or not send it
 * and fail the row with `reason` (`expired`: a code or link that expired before its turn, while its
 * person waited; the worker counts it in tollgate_mail_expired_unsent_total); with `waitMs`, not
 * yet: the row is put back for that long (ms), not counted as an attempt, because an earlier message
 * must go first; with `unreadable`, not this version's to decide: the row is put back for an
 * instance that can read it (lib/mail/worker.ts).
 */
export type RenderResult =
  | { ok: true; mail: Rendered; verificationToken?: { identifier: string; token: string; expires: Date } }
  | { ok: false; reason: string; waitMs?: number; expired?: true; unreadable?: undefined }
  /** This version cannot read the row (unreadableReason): the worker puts it back for one that can. */
  | { ok: false; reason: string; unreadable: true };

type Row = Pick<MailMessage, 'id' | 'to' | 'template' | 'payload' | 'createdAt'>;
type Payload = Record<string, string | null | undefined>;

/**
 * Who asked for each of `ids` (the logins that asked, UnblockRequest.submittedById or
 * DestinationAllowance.requestedById; null where nobody asked: support's grant) as the mail's
 * `reader` is told (lib/mail/templates/context.ts Asker): `you` for their own, `member` with the
 * address of any other login, `unknown` for a login that is gone, `support` for null. One read of
 * the other logins' addresses (none when every one is the reader's or null). In the order of `ids`.
 */
async function askersFor(ids: (string | null)[], reader: { id: string } | null): Promise<Asker[]> {
  const others = [...new Set(ids.filter((id): id is string => id !== null && id !== reader?.id))];
  const emails = new Map(
    others.length
      ? (await db.user.findMany({ where: { id: { in: others } }, select: { id: true, email: true } })).map(
          (u) => [u.id, u.email],
        )
      : [],
  );
  return ids.map((id): Asker => {
    if (id === null) return { is: 'support' };
    if (id === reader?.id) return { is: 'you' };
    const email = emails.get(id);
    return email ? { is: 'member', email } : { is: 'unknown' };
  });
}

/** askersFor of one login's id (null: nobody asked). */
const askerFor = async (id: string | null, reader: { id: string } | null): Promise<Asker> =>
  (await askersFor([id], reader))[0]!;

/**
 * The allowance requests of `ids` (a payload's list; none when absent), oldest first, as a mail to
 * `reader` names them when they closed without a decision (lib/mail/templates/context.ts
 * ClosedAllowance), with who asked each.
 */
async function closedAllowances(ids: string[], reader: { id: string } | null) {
  if (!ids.length) return [];
  const rows = await db.destinationAllowance.findMany({
    where: { id: { in: ids } },
    orderBy: { createdAt: 'asc' },
    select: { country: true, hours: true, createdAt: true, requestedById: true },
  });
  const askers = await askersFor(
    rows.map((r) => r.requestedById),
    reader,
  );
  return rows.map((a, i) => ({
    country: a.country,
    hours: a.hours,
    createdAt: a.createdAt,
    asker: askers[i]!,
  }));
}

/**
 * The unblock requests of `ids` (a block notice's `reopenedRequestIds`: approved requests whose lift
 * the new block withdrew, lib/blocks/lifecycle.ts cancelQueuedLifts) that are still as the notice
 * would say, oldest first, as a notice to `reader` names them (lib/mail/templates/block-notice.ts
 * ReopenedRequest): still pending (back in support's queue) and their block not lifted. One decided
 * again, withdrawn or closed since, or whose block was lifted since, is left out: the mail of that
 * change says where it stands, as request_lift_failed is then not sent (see the top of this file).
 */
async function reopenedRequests(ids: string[], reader: { id: string } | null) {
  if (!ids.length) return [];
  const rows = await db.unblockRequest.findMany({
    where: { id: { in: ids }, status: 'pending', block: { status: { not: 'lifted' } } },
    orderBy: { createdAt: 'asc' },
    select: { kind: true, createdAt: true, submittedById: true, block: { select: { placedAt: true } } },
  });
  const askers = await askersFor(
    rows.map((r) => r.submittedById),
    reader,
  );
  return rows.map((r, i) => ({
    kind: r.kind,
    createdAt: r.createdAt,
    blockPlacedAt: r.block.placedAt,
    asker: askers[i]!,
  }));
}

const skip = (reason: string): RenderResult => ({ ok: false, reason });
/** Not sent because its code or link expired before it could go: the person waited for it in vain. */
const expiredUnsent = (reason: string): RenderResult => ({ ok: false, reason, expired: true });
const cannotRead = (reason: string): RenderResult => ({ ok: false, reason, unreadable: true });

/** A payload's `withdrawn` (checked by its schema) as LiftWithdrawn, or undefined when absent. */
const liftWithdrawn = (v: string | null | undefined): LiftWithdrawn | undefined =>
  (LIFT_WITHDRAWN as readonly string[]).includes(v ?? '') ? (v as LiftWithdrawn) : undefined;

/**
 * Why this version cannot read an outbox row, or null when it can: a template it does not know, or a
 * payload that is not JSON or does not fit the template's schema (lib/mail/payloads.ts readPayload).
 * Such a row may be a newer release's (a rolling upgrade, a rollback: docs/operations.md "Upgrades
 * and rollbacks"), so it is not this version's to fail: the worker puts it back (lib/mail/worker.ts).
 */
export function unreadableReason(row: Pick<MailMessage, 'template' | 'payload'>): string | null {
  const read = readPayload(row.template, row.payload);
  return read.ok ? null : read.reason;
}

/**
 * How the worker begins the `lastError` of a message the renderer chose not to send (a reader no
 * longer active, a link expired before it could go, news overtaken by a later mail: `skip` above).
 * Such a row is `failed` and needs nobody: tollgate_outbox_failed leaves it out (lib/server/metrics.ts),
 * so its alert fires only on mail that could not be delivered.
 */
export const NOT_SENT = 'not sent: ';
/** Not sent because the state it speaks of ended since, and another mail says so (see above). */
const superseded = (why: string): RenderResult => skip(`superseded: ${why}`);

/** How long after a pending notice's due time a "calling is back" mail waiting for it is tried again, in ms. */
const NOTICE_FIRST_MS = 1000;

/**
 * The earliest due time of the block notices still pending to `to` about blocks of account
 * `accountId`, or null when none is: a "calling is back" mail waits for them (see above). The account
 * is chosen in the query: a member of many accounts can have more notices pending after an outage
 * than one read should take, and a read of the first few across all accounts missed this account's
 * (review: `take: 100`). The outbox has no column for the block, so the block's id is matched in the
 * payload's JSON as queueMail writes it (`"blockId":"<id>"`, as mailAbout in lib/mail/queue.ts);
 * row ids are letters and digits (lib/server/row-id.ts), so no LIKE wildcard can be in one.
 */
async function pendingNoticeDue(to: string, accountId: string): Promise<Date | null> {
  const first = await db.$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "MailMessage" m
    JOIN "Block" b ON m."payload" LIKE ('%"blockId":"' || b."id" || '"%')
    WHERE m."to" = ${to} AND m."template" = 'block_notice' AND m."status" = 'pending'
      AND b."accountId" = ${accountId}
    ORDER BY m."nextAttemptAt" ASC
    LIMIT 1`;
  if (!first.length) return null;
  const notice = await db.mailMessage.findUnique({
    where: { id: first[0].id },
    select: { nextAttemptAt: true, status: true },
  });
  // Sent or failed between the two reads: the next render looks again.
  return notice?.status === 'pending' ? notice.nextAttemptAt : null;
}

/**
 * Not yet, when a SIP password alert about account `accountId` to `to` is pending and not held
 * (lib/mail/queue.ts pendingAlertDue: released when this message was queued, being sent by another
 * worker, or waiting for a retry): the row is put back until NOTICE_FIRST_MS after the alert's due
 * time, as a "calling is back" waits for a block notice. Null when none is: the message may go.
 */
async function alertFirst(to: string, accountId: string): Promise<RenderResult | null> {
  const due = await pendingAlertDue(db, to, accountId);
  if (!due) return null;
  return {
    ok: false,
    reason: 'waiting for the security alert to this address to go first',
    waitMs: Math.max(0, due.getTime() - sharedNow().getTime()) + NOTICE_FIRST_MS,
  };
}

/** Why a "calling is back" a newer block made untrue is not sent (after `not sent: superseded: `). */
const LIFT_SUPERSEDED = 'a newer block is in force on the account; its own notice says so';

/**
 * The allowance requests a lift closed whose "calling is back" to `to` has not gone out: still
 * pending, or not sent because a newer block is in force (LIFT_SUPERSEDED). The notice of that newer
 * block (`block`, its row queued at `queuedBefore`) names them, in its words ("asked under an earlier
 * block; ask again from this block's page"), whichever of the two mails the worker takes first: else
 * the superseded mail took them with it and their customers were never told (review). Only lifts
 * after the account's block before this one, and queued before this notice: an older lift's requests
 * were for that block's notice. Ids of DestinationAllowance rows, in no order.
 */
async function closedBySupersededLift(
  to: string,
  block: { id: string; accountId: string; createdAt: Date },
  queuedBefore: Date,
): Promise<string[]> {
  const before = await db.block.findFirst({
    where: { accountId: block.accountId, id: { not: block.id }, createdAt: { lt: block.createdAt } },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  const lifts = await db.mailMessage.findMany({
    where: {
      to,
      template: 'block_lifted',
      createdAt: { lt: queuedBefore, ...(before ? { gt: before.createdAt } : {}) },
      OR: [
        { status: 'pending' },
        { status: 'failed', lastError: `${NOT_SENT}superseded: ${LIFT_SUPERSEDED}` },
      ],
    },
    select: { payload: true },
    take: 20,
  });
  const named = lifts.flatMap((l) => {
    const read = readPayload('block_lifted', l.payload);
    const closed = read.ok ? read.payload.closedAllowanceIds : undefined;
    return read.ok && Array.isArray(closed) && closed.length
      ? [{ blockId: String(read.payload.blockId), closed }]
      : [];
  });
  if (!named.length) return [];
  const ofAccount = await db.block.findMany({
    where: { id: { in: named.map((n) => n.blockId) }, accountId: block.accountId },
    select: { id: true },
  });
  const mine = new Set(ofAccount.map((b) => b.id));
  return named.filter((n) => mine.has(n.blockId)).flatMap((n) => n.closed);
}

/**
 * The unblock requests a superseded "calling is back" named as closed by its lift (`requestIds`, its
 * payload's closedRequestIds), to its recipient `to` (login `userId`): each gets request_closed ("the
 * block it was about was lifted, but another block is in force"), as a lift that leaves a newer block
 * in force sends it (lib/blocks/lifecycle.ts tellClosedRequests): to the one who asked, else, when
 * they can no longer read the account (disabled, or no longer a member), to every member. So this row
 * hands on the requests `userId` asked for, and those whose asker can no longer read the account.
 * Once per request and address, under the account's lock: a row rendered again (a lease lost, a crash
 * before the row was failed) finds the request_closed it queued.
 */
async function handOnClosedRequests(
  to: string,
  userId: string,
  accountId: string,
  requestIds: string[],
): Promise<void> {
  if (!requestIds.length) return;
  await db.$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const requests = await tx.unblockRequest.findMany({
      where: { id: { in: requestIds }, accountId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, submittedById: true },
    });
    for (const r of requests) {
      if (r.submittedById !== userId) {
        const askerReads = await tx.user.count({
          where: { id: r.submittedById, disabled: false, memberships: { some: { accountId } } },
        });
        if (askerReads) continue; // the asker's own "calling is back" hands it on
      }
      const queued = await tx.mailMessage.count({
        where: {
          to,
          template: 'request_closed',
          payload: { contains: `"requestId":${JSON.stringify(r.id)}` },
        },
      });
      if (!queued) await queueMail(tx, to, 'request_closed', { requestId: r.id, userId });
    }
  });
}

/**
 * What became of the change an alert about an unconfirmed SIP password change is about (its
 * SipPasswordChange id, the payload's `unconfirmedChangeId`; lib/credentials/reset.ts
 * alertUnconfirmed), read through `tx` (default the database): `unconfirmed` while its switch answer
 * is still not known and nothing settled which password is in force (also a row that is gone: the
 * alert goes as queued); `confirmed_since` or `refused_since` once its own answer was recorded;
 * `overtaken` once the switch confirmed a change of the same credential sent after it (created later
 * on the shared clock; `applied`, or its 204 recorded and its completion on its way): that newer
 * password is in force whatever became of this one, and the newer change's own alert says so.
 * Only `unconfirmed` makes the "may have changed" alert true: it is queued (lib/credentials/reset.ts)
 * and sent (below) only then, so it is not sent when the newer confirmation came first nor when it
 * came after the alert was queued.
 */
export async function unconfirmedChange(
  changeId: string,
  tx: Pick<Tx, 'sipPasswordChange'> = db,
): Promise<'unconfirmed' | 'confirmed_since' | 'refused_since' | 'overtaken'> {
  const change = await tx.sipPasswordChange.findUnique({
    where: { id: changeId },
    select: { status: true, credentialId: true, createdAt: true },
  });
  if (change?.status === 'applied') return 'confirmed_since';
  if (change?.status === 'failed') return 'refused_since';
  if (!change) return 'unconfirmed';
  const newer = await tx.sipPasswordChange.findFirst({
    where: {
      credentialId: change.credentialId,
      createdAt: { gt: change.createdAt },
      OR: [{ status: 'applied' }, { switchConfirmedAt: { not: null } }],
    },
    select: { id: true },
  });
  return newer ? 'overtaken' : 'unconfirmed';
}

/**
 * Who a message goes to, with the countries and zones of their accounts (for MailContext.region and
 * the zone of a user no browser has told theirs yet); null when disabled or unknown.
 */
async function recipient(p: Payload, to: string) {
  const include = {
    memberships: { select: { accountId: true, account: { select: { country: true, timeZone: true } } } },
  } as const;
  const user = p.userId
    ? await db.user.findUnique({ where: { id: p.userId }, include })
    : await db.user.findUnique({ where: { email: to }, include });
  return user && !user.disabled ? user : null;
}

/** The one country all of a user's accounts are in (as CurrentUser.accountCountry), else null. */
function accountsCountry(user: { memberships: { account: { country: string } }[] } | null): string | null {
  const countries = new Set(user?.memberships.map((m) => m.account.country));
  return countries.size === 1 ? [...countries][0]! : null;
}

/**
 * The IANA zone a recipient's dates are written in: the one they chose, or the one a browser of
 * theirs told the portal; for a user no browser has told yet (never signed in: stored as UTC, not
 * chosen), the one zone all of their accounts are in (a sign-in link asked for by a Mexican customer
 * expires at 4:28 p.m. there, not at 10:28 p.m. GMT+0); else UTC.
 */
function recipientZone(
  user: {
    timeZone: string;
    timeZoneChosenAt: Date | null;
    memberships: { account: { timeZone: string } }[];
  } | null,
): string {
  if (!user) return 'UTC';
  if (user.timeZoneChosenAt || user.timeZone !== 'UTC') return user.timeZone;
  const zones = new Set(user.memberships.map((m) => m.account.timeZone));
  return zones.size === 1 ? [...zones][0]! : 'UTC';
}

function context(timeZone: string, lang: Locale, region: string | null): MailContext {
  const e = env();
  const t = mailTranslator(lang, region);
  return {
    t,
    provider: e.PROVIDER_NAME ?? null,
    support: e.SUPPORT_CONTACT,
    sipAddresses: e.PROVIDER_SIP_ADDRESSES ?? null,
    appUrl: e.APP_URL,
    timeZone,
    locale: lang,
    region,
  };
}

/**
 * The alert of confirmed SIP password changes (`sip_password_changed` without `unconfirmedChangeId`):
 * one change as queued before 2026-12-09, or the changes gathered in one message since
 * (lib/mail/queue.ts queuePasswordChangedAlert), read as a list (sipPasswordChanges) and told in
 * their order, one card per credential (lib/mail/templates/sip-password-changed.ts
 * sipPasswordsChanged). Their account is the payload's `accountId`, else (one change queued before)
 * its credential's; only credentials of that account are told of. A credential deleted since is left
 * out and the others are still told; when none is left (or the account is gone) the row is not sent
 * (`credential not found`), as one change's always was. `noLongerFor` and `zonedFor` are
 * renderMessage's, for the account.
 */
async function confirmedPasswordAlert(
  payload: unknown,
  recipient: { name: string | null; email: string },
  zonedFor: (account: { timeZone: string; country: string }) => MailContext,
  noLongerFor: (account: { id: string }) => RenderResult | null,
): Promise<RenderResult> {
  const changes = sipPasswordChanges(MAIL_PAYLOADS.sip_password_changed.parse(payload));
  const accountId = (payload as { accountId?: string }).accountId;
  const creds = await db.sipCredential.findMany({
    where: {
      id: { in: [...new Set(changes.map((c) => c.credentialId))] },
      ...(accountId ? { accountId } : {}),
    },
    include: { account: true },
  });
  const byId = new Map(creds.map((c) => [c.id, c]));
  const told = changes.flatMap((c) => {
    const credential = byId.get(c.credentialId);
    return credential ? [{ ...c, credential }] : [];
  });
  const account = told[0]?.credential.account;
  if (!account) return skip('credential not found');
  const gone = noLongerFor(account);
  if (gone) return gone;
  return {
    ok: true,
    mail: sipPasswordsChanged(
      {
        recipient,
        account,
        changes: told.map((c) => ({
          credential: c.credential,
          changedAt: new Date(c.changedAt),
          ip: c.ip,
          by: c.by,
        })),
      },
      zonedFor(account),
    ),
  };
}

/** `firstAttemptAt` is when the first attempt to send this row started (now, on a first attempt). */
export async function renderMessage(row: Row, firstAttemptAt: Date): Promise<RenderResult> {
  const read = readPayload(row.template, row.payload);
  if (!read.ok) return cannotRead(read.reason);
  // Scalars for the lookups below; the lists of ids (closedRequestIds, closedAllowanceIds) read apart.
  const p = Object.fromEntries(Object.entries(read.payload).filter(([, v]) => !Array.isArray(v))) as Payload;
  const ids = (key: string): string[] => {
    const v = read.payload[key];
    return Array.isArray(v) ? v : [];
  };
  const user = await recipient(p, row.to);
  // In the recipient's language and zone (recipientZone): a message to an address with no login (or a
  // disabled one) is in English, UTC. A link asked for from a page is in that page's language unless the user chose one.
  const asked = p.locale && isLocale(p.locale) && !user?.localeChosenAt ? p.locale : null;
  const lang = asked ?? localeOf(user);
  // Dates and numbers are written for the recipient's country: that of their accounts (lib/i18n/locales.ts formatTag).
  const region = accountsCountry(user);
  const ctx = context(recipientZone(user), lang, region);
  /**
   * For mail about one account: a user whose zone no browser has told yet (never signed in) reads the
   * account's; a member of the account reads dates and numbers as written in its country.
   */
  const zonedFor = (account: { timeZone: string; country: string }) => {
    const zone = user && !user.timeZoneChosenAt && user.timeZone === 'UTC' ? account.timeZone : ctx.timeZone;
    const where = user?.role === 'customer' ? account.country : region;
    return zone === ctx.timeZone && where === region ? ctx : context(zone, lang, where);
  };
  const r = { name: user?.name ?? null, email: row.to };
  /**
   * Why a message about `account` is no longer for its recipient, or null: the login it was queued for
   * (`userId`) is disabled or gone, or a customer login is no longer a member of the account. Such a
   * message was queued while they could read it (a block notice held a few minutes, or the mail
   * outbox retrying through an SMTP outage) and would now hand them the account's calls, addresses
   * and sign-in link (break-29). Staff (an allowance's agent) are not members of accounts.
   */
  const noLongerFor = (account: { id: string }) =>
    p.userId && !user
      ? skip('recipient no longer active')
      : user?.role === 'customer' && !user.memberships.some((m) => m.accountId === account.id)
        ? skip('recipient no longer a member of the account')
        : null;
  switch (row.template as MailTemplate) {
    case 'block_notice': {
      if (!user) return skip('recipient no longer active');
      const block = await db.block.findUnique({
        where: { id: p.blockId ?? '' },
        include: { account: { include: { sipCredentials: true } } },
      });
      if (!block) return skip('block not found');
      const gone = noLongerFor(block.account);
      if (gone) return gone;
      // Lifted before its notice could be sent (an SMTP outage, a hold): the notice says what happened
      // and that it is over, with no steps and no sign-in link; a newer block in force is named, its
      // own notice says what to do. A block once lifted stays lifted: placed again, it is a new block.
      const over =
        block.status === 'lifted'
          ? { at: block.liftedAt ?? block.placedAt, newerInForce: await accountBlocked(db, block.accountId) }
          : null;
      // The latest calls the notice describes and a summary of them all: a block may hold thousands.
      const calls = await callOverview(
        block.id,
        block.account.sipCredentials.map((c) => c.username),
        MAX_CALLS,
      );
      // The link signs in whoever owns this address, so it is only made when the address is still the
      // user's, and never for a notice queued before the user's links were revoked (sign out everywhere,
      // a password change, …; lib/auth/revoke.ts): sent late, it must not bring a revoked sign-in back.
      // Without the link the notice still names the block page, which asks for sign-in.
      const revoked = user.linksRevokedAt !== null && row.createdAt <= user.linksRevokedAt;
      const bound = user.email === row.to && !revoked && !over;
      const token = messageLinkToken(row.id);
      const expires = linkExpiry(firstAttemptAt, NOTICE_LINK_MAX_AGE_SEC);
      const link = bound
        ? { url: continueLink(ctx.appUrl, { token, callbackPath: `/blocks/${block.id}` }), expires }
        : null;
      // The allowance requests this block closed, and those a lift before it closed whose "calling is
      // back" to this address this block made untrue (closedBySupersededLift). A lifted block's notice
      // names none (every country could be called again).
      const closedIds = over
        ? []
        : [
            ...new Set([
              ...ids('closedAllowanceIds'),
              ...(await closedBySupersededLift(row.to, block, row.createdAt)),
            ]),
          ];
      const mail = blockNotice(
        {
          recipient: r,
          account: block.account,
          block,
          calls: calls.calls,
          callCount: calls.total,
          summary: { to: calls.top.to, named: calls.named, unknownNames: calls.unknownNames },
          destinations: await blockDestinations(
            block.id,
            calls.top.to,
            accountCountry(block.account.country),
          ),
          credentials: block.account.sipCredentials,
          link,
          closedAllowances: await closedAllowances(closedIds, user),
          // The approved requests whose lift this block withdrew, in place of a request_lift_failed.
          reopenedRequests: await reopenedRequests(ids('reopenedRequestIds'), user),
          lifted: over,
          // The lift policy as it is now: while a block of the account needs a person, no "comes back by itself".
          needsPerson: over ? false : await accountNeedsPerson(block.accountId),
        },
        zonedFor(block.account),
      );
      return {
        ok: true,
        mail,
        ...(bound ? { verificationToken: { identifier: row.to, token: hashLinkToken(token), expires } } : {}),
      };
    }
    case 'request_received':
    case 'request_approved':
    case 'request_denied':
    case 'request_lift_failed':
    case 'request_closed': {
      const request = await db.unblockRequest.findUnique({
        where: { id: p.requestId ?? '' },
        include: { account: true, block: { select: { status: true, liftedAt: true } } },
      });
      if (!request) return skip('request not found');
      const gone = noLongerFor(request.account);
      if (gone) return gone;
      const lifted = request.block.status === 'lifted' ? (request.block.liftedAt ?? new Date(0)) : null;
      const template = row.template as MailTemplate;
      // What each says must still hold now (see the top of this file).
      if (template === 'request_received' && request.status !== 'pending')
        return superseded('the request was decided, withdrawn or closed since; that mail says so');
      if (template === 'request_approved' && request.status !== 'approved')
        return superseded(
          'the approval was undone since (its lift did not happen): request_lift_failed, or the notice of the new block that withdrew it, says so',
        );
      if (template === 'request_lift_failed' && (request.status !== 'pending' || lifted))
        return superseded('the request was decided again, or its block lifted, since; that mail says so');
      if (template === 'request_closed') {
        // After the security alert of the change that lifted its block (lib/mail/queue.ts ALERT_GOES_FIRST).
        const alert = await alertFirst(row.to, request.accountId);
        if (alert) return alert;
      }
      const stillBlocked = template === 'request_closed' ? await accountBlocked(db, request.accountId) : true;
      const render = {
        request_received: requestReceived,
        request_approved: requestApproved,
        request_denied: requestDenied,
        request_lift_failed: requestLiftFailed,
        request_closed: requestClosed,
      }[row.template as 'request_received'];
      // "Your request" only to the one who sent it; every other member reads who did.
      const asker = await askerFor(request.submittedById, user);
      return {
        ok: true,
        mail: render(
          {
            recipient: r,
            account: request.account,
            request,
            lifted,
            stillBlocked,
            asker,
            // request_lift_failed: why Tollgate withdrew the lift, when it did (payloads.ts LiftWithdrawn).
            withdrawn: template === 'request_lift_failed' ? liftWithdrawn(p.withdrawn) : undefined,
          },
          zonedFor(request.account),
        ),
      };
    }
    case 'block_lifted': {
      const block = await db.block.findUnique({ where: { id: p.blockId ?? '' }, include: { account: true } });
      if (!block) return skip('block not found');
      const gone = noLongerFor(block.account);
      if (gone) return gone;
      // "Calling is back" is false while a newer block is in force; that block's notice says so, and
      // names the allowance requests this lift closed (closedBySupersededLift); the unblock requests it
      // closed get request_closed (handOnClosedRequests), so that each customer is told.
      if (await accountBlocked(db, block.accountId)) {
        if (user) await handOnClosedRequests(row.to, user.id, block.accountId, ids('closedRequestIds'));
        return superseded(LIFT_SUPERSEDED);
      }
      // After the notice of the block (or of any block of the account) still on its way to this address.
      const notice = await pendingNoticeDue(row.to, block.accountId);
      if (notice)
        return {
          ok: false,
          reason: 'waiting for the block notice to this address to go first',
          waitMs: Math.max(0, notice.getTime() - sharedNow().getTime()) + NOTICE_FIRST_MS,
        };
      // After the security alert of the change that lifted it (lib/mail/queue.ts ALERT_GOES_FIRST).
      const alert = await alertFirst(row.to, block.accountId);
      if (alert) return alert;
      const rows = ids('closedRequestIds').length
        ? await db.unblockRequest.findMany({
            where: { id: { in: ids('closedRequestIds') } },
            orderBy: { createdAt: 'asc' },
            select: { kind: true, createdAt: true, submittedById: true },
          })
        : [];
      // Every member gets this mail: each closed request says whose it was ("your", or the address).
      const askers = await askersFor(
        rows.map((q) => q.submittedById),
        user,
      );
      const requests = rows.map((q, i) => ({ kind: q.kind, createdAt: q.createdAt, asker: askers[i]! }));
      const closed = { requests, allowances: await closedAllowances(ids('closedAllowanceIds'), user) };
      return {
        ok: true,
        mail: blockLifted({ recipient: r, account: block.account, block, closed }, zonedFor(block.account)),
      };
    }
    case 'sip_password_changed': {
      if (!p.unconfirmedChangeId) return confirmedPasswordAlert(read.payload, r, zonedFor, noLongerFor);
      const cred = await db.sipCredential.findUnique({
        where: { id: p.credentialId ?? '' },
        include: { account: true },
      });
      if (!cred) return skip('credential not found');
      const gone = noLongerFor(cred.account);
      if (gone) return gone;
      const changedAt = new Date(p.changedAt ?? cred.passwordChangedAt ?? 0);
      const change = await unconfirmedChange(p.unconfirmedChangeId);
      if (change === 'confirmed_since')
        return superseded('the switch confirmed the change since; the alert of the confirmation says so');
      if (change === 'refused_since')
        return superseded('the switch refused the change since: nothing changed');
      if (change === 'overtaken')
        return superseded(
          'the switch confirmed a newer password of the credential, sent after this change; the alert of that confirmation says so',
        );
      // The switch answered it by asking to wait: busy, and from when, read from the change as stored
      // (busyUntilOf), the time the reset page and the form's answer name. Sent once that time has
      // come (a mail held through an SMTP outage), it says what the reset page then says: answered
      // with an error, set the password again (busyStill, at the first attempt: a retry reads alike).
      const asked = await db.sipPasswordChange.findUnique({
        where: { id: p.unconfirmedChangeId },
        select: { status: true, error: true, completedAt: true },
      });
      const busyUntil = busyStill(asked ? busyUntilOf(asked) : null, firstAttemptAt);
      return {
        ok: true,
        mail: sipPasswordChanged(
          {
            recipient: r,
            account: cred.account,
            credential: cred,
            changedAt,
            ip: p.ip ?? null,
            by: p.by ?? null,
            unconfirmed: true,
            errorAnswer: p.unconfirmedCause === 'error_answer',
            ...(busyUntil ? { busyUntil } : {}),
          },
          zonedFor(cred.account),
        ),
      };
    }
    case 'mfa_locked': {
      if (!user || user.email !== row.to) return skip('recipient no longer active');
      if (!user.totpLockedAt) return skip('second factor no longer locked');
      // Its link signs the holder in: one queued before the user's links were revoked must not bring a
      // revoked sign-in back. The revocation queued a fresh one for a user still locked (lib/auth/revoke.ts).
      if (user.linksRevokedAt !== null && row.createdAt <= user.linksRevokedAt)
        return skip('superseded by a revocation of sign-in links');
      const token = messageLinkToken(row.id);
      const expires = linkExpiry(firstAttemptAt, NOTICE_LINK_MAX_AGE_SEC);
      const link = { url: continueLink(ctx.appUrl, { token, callbackPath: '/security/verify' }), expires };
      const mail = mfaLocked(
        {
          recipient: r,
          failures: user.totpFailures,
          lockedAt: user.totpLockedAt,
          link,
          staff: user.role !== 'customer',
        },
        ctx,
      );
      return {
        ok: true,
        mail,
        verificationToken: { identifier: unlockIdentifier(row.to), token: hashLinkToken(token), expires },
      };
    }
    case 'recovery_code_used': {
      if (!user || user.email !== row.to) return skip('recipient no longer active');
      const mail = recoveryCodeUsed(
        {
          recipient: r,
          usedAt: new Date(p.usedAt ?? row.createdAt),
          ip: p.ip ?? null,
          left: Number(p.left ?? 0),
          staff: user.role !== 'customer',
        },
        ctx,
      );
      return { ok: true, mail };
    }
    case 'security_change': {
      if (!user || user.email !== row.to) return skip('recipient no longer active');
      const change = p.change as SecurityChange;
      const mail = securityChange(
        {
          recipient: r,
          change,
          at: new Date(p.at ?? row.createdAt),
          ip: p.ip ?? null,
          staff: user.role !== 'customer',
        },
        ctx,
      );
      return { ok: true, mail };
    }
    case 'login_enabled': {
      if (!user || user.email !== row.to) return skip('recipient no longer active');
      const mail = loginEnabled(
        {
          recipient: r,
          enabledAt: new Date(p.enabledAt ?? row.createdAt),
          passwordCleared: (read.payload as { passwordCleared?: unknown }).passwordCleared === true,
          staff: user.role !== 'customer',
        },
        ctx,
      );
      return { ok: true, mail };
    }
    case 'allowance_started':
    case 'allowance_ended': {
      const a = await db.destinationAllowance.findUnique({
        where: { id: p.allowanceId ?? '' },
        include: { account: true },
      });
      if (!a) return skip('allowance not found');
      const gone = noLongerFor(a.account);
      if (gone) return gone;
      // Ended or not is the allowance's status, which follows the switch's list (lib/allowances/expiry.ts
      // ends it once the switch no longer lists it): never its `until` on the portal's clock, which may
      // run ahead of the switch's while the switch still lets the calls through.
      if (row.template === 'allowance_started' && a.status !== 'active')
        return superseded('the allowance ended since; allowance_ended or block_lifted says so');
      // "Blocked again, like every other destination" is false once no block is in force.
      if (row.template === 'allowance_ended' && !(await accountBlocked(db, a.accountId)))
        return superseded('no block is in force on the account any more; block_lifted says so');
      return {
        ok: true,
        mail: allowanceMail(
          row.template === 'allowance_started' ? 'started' : 'ended',
          {
            recipient: r,
            account: a.account,
            allowance: a,
            // Every member and the agent get it: who asked ("you", the address, or support's grant).
            asker: await askerFor(a.requestedById, user),
            staff: user?.role !== 'customer',
          },
          zonedFor(a.account),
        ),
      };
    }
    case 'allowance_received':
    case 'allowance_denied': {
      const a = await db.destinationAllowance.findUnique({
        where: { id: p.allowanceId ?? '' },
        include: { account: true },
      });
      if (!a) return skip('allowance not found');
      const gone = noLongerFor(a.account);
      if (gone) return gone;
      // Only a customer's request has someone who asked (support's grant from the account page has none).
      if (!a.requestedById || !a.callbackPhone) return skip('not a customer’s request');
      const data = {
        recipient: r,
        account: a.account,
        allowance: { ...a, callbackPhone: a.callbackPhone },
        // A denial reaches every member once the one who asked cannot read the account: "your" only to them.
        asker: await askerFor(a.requestedById, user),
      };
      if (row.template === 'allowance_received') {
        // As request_received: a receipt of a request no longer waiting would say "support will call
        // you back" of one decided or closed.
        if (a.status !== 'requested')
          return superseded(
            'the request was decided or closed since; the denial, the start, or the block notice or block_lifted that closed it says so',
          );
        return { ok: true, mail: allowanceReceived(data, zonedFor(a.account)) };
      }
      // A request Tollgate closed (a new block: denied with no agent) is named by that block's notice.
      if (a.status !== 'denied' || !a.decidedById) return skip('not denied by an agent');
      // Said in the past tense, with what holds now (see the top of this file).
      const blocked = await accountBlocked(db, a.accountId);
      const newer = blocked
        ? await db.destinationAllowance.count({
            where: { accountId: a.accountId, country: a.country, createdAt: { gt: a.createdAt } },
          })
        : 0;
      const now = !blocked ? 'unblocked' : newer ? 'askedAgain' : 'blocked';
      return { ok: true, mail: allowanceDenied(data, now, zonedFor(a.account)) };
    }
    case 'allowance_not_started': {
      const a = await db.destinationAllowance.findUnique({
        where: { id: p.allowanceId ?? '' },
        include: { account: true },
      });
      if (!a) return skip('allowance not found');
      const gone = noLongerFor(a.account);
      if (gone) return gone;
      // Queued only as the grant is stored `refused` (lib/allowances/operations.ts), which it stays.
      if (a.status !== 'refused') return skip('the allowance is not one that did not start');
      // "Calls there stay blocked" and "support will contact you" are moot once no block is in force.
      if (!(await accountBlocked(db, a.accountId)))
        return superseded('no block is in force on the account any more; block_lifted says so');
      const started = await db.destinationAllowance.count({
        where: {
          accountId: a.accountId,
          country: a.country,
          createdAt: { gt: a.createdAt },
          startedAt: { not: null },
        },
      });
      if (started)
        return superseded('a newer allowance for the country started since; allowance_started says so');
      const gaveUp = a.endReason === GAVE_UP;
      // A grant given up keeps no error on the allowance: its failed PUT's last one is the switch's.
      const put = gaveUp
        ? await db.switchOperation.findFirst({
            where: {
              kind: 'allowance_put',
              status: 'failed',
              payload: { contains: `"allowanceId":${JSON.stringify(a.id)}` },
            },
            orderBy: { createdAt: 'desc' },
            select: { lastError: true },
          })
        : null;
      return {
        ok: true,
        mail: allowanceNotStarted(
          {
            recipient: r,
            account: a.account,
            allowance: { country: a.country, decidedAt: a.decidedAt ?? a.createdAt, blockId: a.blockId },
            asker: await askerFor(a.requestedById, user),
            error: gaveUp ? (put?.lastError ?? null) : a.endReason,
            staff: user?.role !== 'customer',
          },
          gaveUp ? 'gaveUp' : 'refused',
          zonedFor(a.account),
        ),
      };
    }
    case 'enrolment_code': {
      if (!p.sealedCode || !p.expires || !p.sessionId) return skip('code already sent or scrubbed');
      if (!user || user.email !== row.to) return skip('recipient no longer active');
      const expires = new Date(p.expires);
      // A code with under two minutes left would expire while it is read: the person asks again.
      if (expires.getTime() - Date.now() < 2 * 60_000)
        return expiredUnsent('code expired (or nearly) before it could be sent');
      const code = unseal(p.sealedCode, 'mail-payload-v1');
      // The session's code now: gone with the session or the enrolment, or replaced by a newer one.
      const proof = await db.enrolmentProof.findUnique({ where: { sessionId: p.sessionId } });
      // A move's code is an enrolment one (lib/auth/mfa/enrol-proof.ts ProofRequest); only its words differ.
      const purpose = p.purpose === 'password' || p.purpose === 'move' ? p.purpose : 'enrol';
      const proves = purpose === 'password' ? 'password' : 'enrol';
      if (!proof || !isEnrolmentCode(proof.codeMac, p.sessionId, code, proves))
        return skip('code no longer wanted (used, replaced by a newer one, or its session ended)');
      return {
        ok: true,
        mail: enrolmentCode(
          { recipient: r, code, expires, ip: p.ip ?? null, purpose, staff: user.role !== 'customer' },
          ctx,
        ),
      };
    }
    case 'sign_in_link': {
      if (!p.sealedUrl || !p.expires) return skip('link already sent or scrubbed');
      // A link asked for just before its login was disabled, or before its links were revoked (sign
      // out everywhere, a password change), lost its token then: no mail with a link that fails, and
      // none at all to a disabled login (review 30). Asked for only by an enabled login's address.
      if (!user) return skip('recipient no longer active');
      if (user.linksRevokedAt !== null && row.createdAt <= user.linksRevokedAt)
        return skip('superseded by a revocation of sign-in links');
      const expires = new Date(p.expires);
      if (expires < new Date()) return expiredUnsent('link expired before it could be sent');
      return {
        ok: true,
        mail: signInLink({ email: row.to, url: unseal(p.sealedUrl, 'mail-payload-v1'), expires }, ctx),
      };
    }
    default:
      return cannotRead(`unknown template ${row.template}`);
  }
}

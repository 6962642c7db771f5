import type { MailTemplate } from '@/lib/mail/queue';
import { cutWhole } from '@/lib/server/control-characters';

// What the mail worker does when it cannot know whether a message went out.
//
// The worker records `sendStartedAt` before the SMTP conversation and `sentAt` + `messageId` after
// the server's 250. A row found with `sendStartedAt` but no `sentAt` was interrupted (a crash, a
// lost lease, a connection that died mid-conversation) and MAY have been accepted. SMTP has no way
// to ask "did you get message X?", so each template picks a side:
//
// - at-least-once: send it again. The copy is byte-for-byte the same message: the same Message-ID
//   (derived from the row id, so receiving systems and mail clients that deduplicate on it, Gmail
//   among them, show one), the same Date, and for the block notice the same single-use link.
// - at-most-once: do not send it again; the row is marked failed with the reason, for support to see.
//
// A failure the server answered (4xx/5xx) or a connection that never opened is certain: nothing was
// accepted, and the message is retried (or, for a permanent refusal of the recipient or content, failed).

export type Guarantee = 'at-least-once' | 'at-most-once';

export const DELIVERY: Record<MailTemplate, { guarantee: Guarantee; why: string }> = {
  block_notice: {
    guarantee: 'at-least-once',
    why: 'A customer who never learns of the block keeps paying for fraud attempts and cannot fix it; an identical second copy costs nothing.',
  },
  sip_password_changed: {
    guarantee: 'at-least-once',
    // Also sent, worded "may have changed", for a change whose answer from the switch was lost
    // (lib/credentials/reset.ts alertUnconfirmed): it may be in force and have ended registrations.
    why: 'A missed security alert can hide an account takeover; a duplicate alert is harmless.',
  },
  request_received: {
    guarantee: 'at-most-once',
    why: 'A receipt; the portal shows the request and its status.',
  },
  request_approved: {
    guarantee: 'at-most-once',
    why: 'The decision is on the block page and block_lifted follows; two "approved" emails confuse more than one missing.',
  },
  request_denied: {
    guarantee: 'at-most-once',
    why: 'The decision and the reason are on the block page; a repeated refusal reads as a second decision.',
  },
  request_lift_failed: {
    guarantee: 'at-least-once',
    why: 'It corrects the "we are lifting the block now" of request_approved; a customer who misses it waits for calls that stay blocked. A copy says the same.',
  },
  request_closed: {
    guarantee: 'at-least-once',
    why: 'The only word the customer gets that their request ended without a decision while calls stay blocked; a copy says the same.',
  },
  block_lifted: {
    guarantee: 'at-most-once',
    why: 'Good news that the portal and working calls already show.',
  },
  mfa_locked: {
    guarantee: 'at-least-once',
    why: 'A security alert and the only way back in; a copy carries the same single-use link.',
  },
  recovery_code_used: {
    guarantee: 'at-least-once',
    why: 'A security alert: someone without the authenticator got in; a copy says the same, with no link.',
  },
  security_change: {
    guarantee: 'at-least-once',
    why: 'A security alert: the login may have been taken over; a copy says the same, with no link.',
  },
  login_enabled: {
    guarantee: 'at-least-once',
    why: 'A security alert: a login support had shut out can sign in again; a copy says the same, with no link.',
  },
  allowance_started: {
    guarantee: 'at-most-once',
    why: 'The portal shows the allowance and its countdown; two "started" emails read as two allowances.',
  },
  allowance_ended: {
    guarantee: 'at-least-once',
    why: 'Calls to that country fail again from now on; a customer who misses it loses calls without knowing why.',
  },
  allowance_received: {
    guarantee: 'at-most-once',
    why: 'A receipt, as request_received; the block page shows the request and that support will call back.',
  },
  allowance_denied: {
    guarantee: 'at-most-once',
    why: 'As request_denied: the decision and the reason are on the block page; a repeated refusal reads as a second decision.',
  },
  allowance_not_started: {
    guarantee: 'at-least-once',
    why: 'As request_lift_failed: it corrects the "allowed once support approves it" the customer was told on the callback; a customer who misses it waits for calls that stay blocked, and the agent for a start that never comes. A copy says the same.',
  },
  enrolment_code: {
    guarantee: 'at-most-once',
    why: 'A credential is never sent twice; the person is on the set-up page and can ask for a new code.',
  },
  sign_in_link: {
    guarantee: 'at-most-once',
    why: 'A credential is never sent twice; the person is waiting and can ask for a new link.',
  },
};

export const guaranteeOf = (template: string): Guarantee =>
  DELIVERY[template as MailTemplate]?.guarantee ?? 'at-most-once';

// Which mail goes first. Every message waits in one outbox, sent one at a time by each instance's
// worker. A fraud wave queues thousands of block notices at once; a sign-in link asked for after
// them, valid 15 minutes, waited behind every one and expired unsent (review: 10–15 k notices in a
// wave). So the worker claims a due message of the `interactive` lane before any `bulk` one,
// whatever their due times (lib/mail/worker.ts claimNext): `interactive` is mail a person is
// waiting for right now, on a page of the portal, with a code or a link that expires, or locked out
// until it comes; everything else (notices, decisions, alerts about what has already happened) is
// `bulk`, in due order. A Record, so that a new template cannot be added without a choice.

/** The lane of a template: `interactive` is claimed first (see above). */
export type Lane = 'interactive' | 'bulk';

export const LANES: Record<MailTemplate, { lane: Lane; why: string }> = {
  sign_in_link: {
    lane: 'interactive',
    why: 'Asked for on the sign-in page ("Email me a sign-in link"); the person waits for it, and it lives 15 minutes (REQUESTED_LINK_MAX_AGE_SEC).',
  },
  enrolment_code: {
    lane: 'interactive',
    why: 'The code of a page the person has open: turning on two-factor authentication, choosing a portal password, moving the second factor to a new phone; it lives 15 minutes (ENROL_PROOF_TTL_MS).',
  },
  mfa_locked: {
    lane: 'interactive',
    why: 'Sent as the person is locked out while signing in (and offered again at each try): its link is the only way back in.',
  },
  block_notice: {
    lane: 'bulk',
    why: 'Thousands at once in a fraud wave; its link lives 24 hours from its first attempt.',
  },
  block_lifted: { lane: 'bulk', why: 'News of what has happened; the portal shows it.' },
  request_received: { lane: 'bulk', why: 'A receipt; the portal shows the request.' },
  request_approved: { lane: 'bulk', why: 'A decision; the block page shows it.' },
  request_denied: { lane: 'bulk', why: 'A decision; the block page shows it.' },
  request_lift_failed: { lane: 'bulk', why: 'News of what has happened; the block page shows it.' },
  request_closed: { lane: 'bulk', why: 'News of what has happened; the block page shows it.' },
  sip_password_changed: {
    lane: 'bulk',
    why: 'An alert about a change already made; nobody waits for it on a page.',
  },
  recovery_code_used: {
    lane: 'bulk',
    why: 'An alert about a sign-in already made; nobody waits for it on a page.',
  },
  security_change: {
    lane: 'bulk',
    why: "An alert about a change already made (from the login's own session, a reset by support or an operator, or a password an operator set); nobody waits for it on a page.",
  },
  login_enabled: {
    lane: 'bulk',
    why: 'An alert; the login signs in without it (with its password, or with a sign-in link, which is interactive).',
  },
  allowance_started: { lane: 'bulk', why: 'News; the portal shows the allowance and its countdown.' },
  allowance_ended: { lane: 'bulk', why: 'News of what has happened.' },
  allowance_received: {
    lane: 'bulk',
    why: 'A receipt; nobody waits for it on a page (the block page shows the request).',
  },
  allowance_denied: { lane: 'bulk', why: 'A decision; the block page shows it.' },
  allowance_not_started: {
    lane: 'bulk',
    why: 'News of what has happened, as request_lift_failed and allowance_started; the block page shows it, and nobody waits for it on a page with a code or a link that expires.',
  },
};

/** The templates of the `interactive` lane (LANES), which the worker claims before any other. */
export const INTERACTIVE_TEMPLATES: readonly MailTemplate[] = (Object.keys(LANES) as MailTemplate[]).filter(
  (t) => LANES[t].lane === 'interactive',
);

export type SendFailure = { kind: 'temporary' | 'permanent' | 'uncertain'; message: string };

/**
 * The `code` of the error the demo's dev mailbox throws when it stored nothing (lib/mail/mailbox.ts
 * `MailboxWriteError`: its folder could not be made, or the message could not be written or moved
 * into place, so no message file exists). Read here, in classifySendError, as a refused connection:
 * certain, retried, at-most-once mail included.
 */
export const MAILBOX_UNSTORED = 'EMAILBOX_UNSTORED';

type SmtpError = {
  code?: string;
  responseCode?: number;
  syscall?: string;
  message?: string;
  /** The SMTP command nodemailer was answered for ("MAIL FROM", "RCPT TO", "DATA"). */
  command?: string;
  /** The server's reply as it came, e.g. "553 5.7.1 <x@y>: Sender address rejected: not owned by user". */
  response?: string;
  /** Set by the SMTP transport: the content never began to go out (lib/mail/transport.ts `SendError`). */
  contentUnsent?: boolean;
  /** Set by the SMTP transport: the envelope sender's address (MAIL_FROM's), to read SES's refusals. */
  sender?: string;
};

/**
 * Sorts a send error (nodemailer's, or the dev mailbox's: MAILBOX_UNSTORED): did the server certainly
 * not accept the message, and is it worth retrying?
 * A 5xx (RFC 5321 §4.2.1: permanent) is final for this message only when it refuses the recipient
 * (RCPT TO, DATA) or the content (EMESSAGE). A 5xx to MAIL FROM refuses the sender, MAIL_FROM or the
 * relay's account (`553 sender address rejected`, `550 5.7.1 not authorised to send as`): every
 * message would get it until an operator mends the configuration, so it is retried like a 4xx, with
 * a warning line each time, and not failed while the fix is on its way.
 */
export function classifySendError(e: unknown): SendFailure {
  const err = (e ?? {}) as SmtpError;
  const message = cutWhole(`${err.code ?? 'Error'}: ${err.message ?? String(e)}`, 500);
  if (typeof err.responseCode === 'number') {
    // The server answered with a refusal, so it did not take the message.
    const permanent = err.responseCode >= 500 && refusesThisMessage(err);
    return { kind: permanent ? 'permanent' : 'temporary', message };
  }
  // Never connected (refused, unknown host, connect or greeting timeout), or failed before the
  // content began (a timeout at EHLO or AUTH, a STARTTLS that failed, a drop at RCPT TO): nothing was
  // sent. Or the dev mailbox failed before the message's file existed (MAILBOX_UNSTORED): nothing was
  // stored. Anything else the mailbox throws (none today) is uncertain, as for SMTP.
  if (
    err.code === MAILBOX_UNSTORED ||
    err.contentUnsent === true ||
    err.syscall === 'connect' ||
    err.syscall === 'getaddrinfo' ||
    err.code === 'EDNS' ||
    /Connection timeout|Greeting never received/.test(err.message ?? '')
  ) {
    return { kind: 'temporary', message };
  }
  return { kind: 'uncertain', message };
}

/**
 * The enhanced status code of an SMTP reply (RFC 3463, sent per RFC 2034 after the basic code:
 * `550 5.1.1 …`), as [class, subject, detail], or null when the reply has none.
 */
export function enhancedStatus(reply: string | undefined): [number, number, number] | null {
  const m = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)/.exec(reply ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * Whether a permanent enhanced status names this message's recipient or content (RFC 3463 §3): a bad
 * destination mailbox or system (X.1.x, but for X.1.7 and X.1.8, which name the sender), a mailbox
 * disabled, full or too small (X.2.1–X.2.3), a message too big for the system (X.3.4), its content
 * (X.6.x). Everything else names the sender, the relay or the account (`5.7.1 Sender address
 * rejected`, `5.7.1 Relay access denied`, Microsoft 365's `5.7.54` and `5.2.252 SendAsDenied`,
 * Gmail's `5.4.5` daily quota): every message would get it.
 */
const ENHANCED_NAMES_THIS_MESSAGE = ([, subject, detail]: [number, number, number]) =>
  (subject === 1 && detail !== 7 && detail !== 8) ||
  (subject === 2 && detail >= 1 && detail <= 3) ||
  (subject === 3 && detail === 4) ||
  subject === 6;

/**
 * Words of a reply without an enhanced status code that name this portal's sender rather than the
 * recipient: SendGrid's "550 The from address does not match a verified Sender Identity" (after the
 * content), a relay's "not permitted to send as", Exim's "550 Sender verify failed" (at RCPT TO, where
 * Exim checks the sender). Every message would get such a reply. Narrow on purpose: words such as
 * "suspended" or "not verified" also describe a recipient's mailbox, whose refusal must fail its
 * message, not be retried for days.
 */
const NAMES_THE_SENDER = /\b(?:from address|sender identity|verified sender|send(?:ing)? as|sender verify)/i;

/**
 * Amazon SES's refusal of an unverified identity, "554 Message rejected: Email address is not
 * verified. The following identities failed the check in region EU-WEST-1: a@b, …": it names the
 * sender's address or domain when the From is not verified in that region (every message would get
 * it), a recipient's in SES's sandbox (this message only). Read with the envelope sender the
 * transport adds to its error (lib/mail/transport.ts `sender`).
 */
function sesRefusesSender(reply: string, sender: string | undefined): boolean {
  const m = /identities failed the check[^:]*:(.*)$/is.exec(reply);
  if (!m || !sender) return false;
  const at = sender.lastIndexOf('@');
  const named = m[1]
    .split(/[\s,]+/)
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  return (
    named.includes(sender.toLowerCase()) || (at > 0 && named.includes(sender.slice(at + 1).toLowerCase()))
  );
}

/**
 * The server answered, refusing this message's recipient (RCPT TO, DATA) or content, not the sender or
 * the session. A reply to MAIL FROM never names the recipient. After it, a reply with an enhanced
 * status code is read by that code, since Postfix checks the sender at RCPT TO (`smtpd_delay_reject`)
 * and relays refuse an account's quota or "send as" after the content; one without is taken to name
 * the recipient (RCPT TO, DATA) or the content, unless its words name the sender (NAMES_THE_SENDER,
 * sesRefusesSender: SendGrid, Exim and Amazon SES refuse an unverified sender without an enhanced code).
 */
const refusesThisMessage = (err: SmtpError): boolean => {
  if (typeof err.responseCode !== 'number') return false;
  if (err.responseCode === 421) return false; // "service not available, closing channel" (RFC 5321 §3.8)
  if (err.code !== 'EENVELOPE' && err.code !== 'EMESSAGE') return false;
  if (err.command === 'MAIL FROM') return false; // no recipient is named yet: the sender, or the session
  const enhanced = enhancedStatus(err.response);
  if (enhanced) return ENHANCED_NAMES_THIS_MESSAGE(enhanced);
  const reply = err.response ?? err.message ?? '';
  return !(NAMES_THE_SENDER.test(reply) || sesRefusesSender(reply, err.sender));
};

/**
 * Whether a send failure says the mail server takes no mail from this portal at all, rather than
 * refusing one message: never reached, a reply to the connection (`421` service not available, RFC
 * 5321 §3.8), a failed AUTH or STARTTLS, a refused sender (MAIL FROM: every message has it), a
 * connection dropped mid-message, a dev mailbox that cannot store (MAILBOX_UNSTORED: its folder cannot
 * be made or written). A refusal of this message's recipient or content (`550` no such
 * mailbox, `452` mailbox full) says the server works. Readiness reports the first kind as `smtp`
 * `degraded` (lib/mail/server-state.ts).
 */
export function refusesEveryMessage(e: unknown): boolean {
  return !refusesThisMessage((e ?? {}) as SmtpError);
}

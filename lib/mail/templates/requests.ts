import type { LiftWithdrawn } from '@/lib/mail/payloads';
import { callbackDisplay } from '@/lib/phone/callback';
import { accountCountry } from '@/lib/phone/plan';
import { denialCallback } from '@/lib/requests/denial-callback';
import { accountLabel, accountMail, type Asker, askerArgs, type MailContext, url, when } from './context';

// The messages of an unblock request's life: received, approved, denied, the approval's lift
// that did not happen (request_lift_failed: the request is back with support), and a close without
// a decision while another block stays in force (request_closed). Each says whose request it is
// (`asker`): "your request" to the member who asked it, the address of the one who asked to every
// other member (a decision reaches every member once its asker can no longer read the account), and
// which request: its kind and when it was sent.

type Base = {
  recipient: { name: string | null };
  /** Who sent the request, as the recipient is told (lib/mail/render.ts: `you` when they sent it). */
  asker: Asker;
  account: { name: string; number: string; country: string };
  request: {
    id: string;
    blockId: string;
    kind: 'misdial' | 'firewall';
    createdAt: Date;
    callbackPhone: string;
    denyReason: string | null;
    /** Status and decisionNote as stored: a denial's callback (lib/requests/denial-callback.ts). Absent: none said. */
    status?: string;
    decisionNote?: string | null;
  };
  /**
   * When the request's block was lifted, if it is by the time the mail is sent (lib/mail/render.ts):
   * an approval or a denial then says so instead of "we are lifting it now" or "it stays blocked".
   */
  lifted?: Date | null;
  /**
   * Whether a block is still in force on the account when the mail is sent (request_closed: the
   * other block may have been lifted since, and then it does not say calls stay blocked). Default true.
   */
  stillBlocked?: boolean;
  /**
   * request_lift_failed: Tollgate withdrew the approval's lift before the switch confirmed it, and
   * why (lib/mail/payloads.ts LiftWithdrawn); absent, the switch refused it or answered without
   * lifting the block. Default: absent.
   */
  withdrawn?: LiftWithdrawn;
};
export type RequestData = Base;

const blockUrl = (ctx: MailContext, d: Base) => url(ctx, `/blocks/${encodeURIComponent(d.request.blockId)}`);

/**
 * The ICU arguments every sentence about the request may take: `account` (its label), `at` (when the
 * request was sent, in the reader's zone), `kind` (`misdial`, `firewall`), `asker` and `by` (askerArgs).
 */
const about = (ctx: MailContext, d: Base, account: string) => ({
  account,
  at: when(d.request.createdAt, ctx),
  kind: d.request.kind,
  ...askerArgs(d.asker),
});

/**
 * The receipt of an unblock request (request_received, to the customer who sent it): which request
 * and when, that support calls back on its callback number (as the account's country writes it)
 * before deciding, and a link to the block page.
 */
export function requestReceived(d: RequestData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const phone = callbackDisplay(d.request.callbackPhone, accountCountry(d.account.country));
  const values = about(ctx, d, account);
  return accountMail(ctx, 'requestReceived', d, account, [
    { kind: 'p', strong: true, text: t('mail.requestReceived.intro', values) },
    { kind: 'p', text: t('mail.requestReceived.kind', values) },
    { kind: 'p', text: t('mail.requestReceived.next', { ...values, phone }) },
    { kind: 'button', label: t('mail.requestReceived.button', values), url: blockUrl(ctx, d) },
  ]);
}

/**
 * An agent approved the request (request_approved): whose, which and when; that the lift is on its
 * way to the switch, or, `lifted`, when the switch lifted the block.
 */
export function requestApproved(d: RequestData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const lifted = d.lifted ?? null;
  return accountMail(
    ctx,
    'requestApproved',
    d,
    account,
    [
      { kind: 'p', strong: true, text: t('mail.requestApproved.intro', about(ctx, d, account)) },
      {
        kind: 'p',
        text: lifted
          ? t('mail.requestApproved.nextLifted', { at: when(lifted, ctx) })
          : t('mail.requestApproved.next'),
      },
      { kind: 'button', label: t('mail.requestApproved.button'), url: blockUrl(ctx, d) },
    ],
    lifted ? t('mail.requestApproved.preheaderLifted') : undefined,
  );
}

/**
 * An agent declined the request (request_denied): whose, which and when, the callback before the
 * decision as the denial recorded it (the agent spoke with the account holder, or called and could not
 * reach them: lib/requests/denial-callback.ts; nothing for a denial recorded before the choice), the
 * agent's reason as typed, and what holds now (calls stay blocked, or, `lifted`, the block was lifted
 * since). No time of the call is said: none is recorded.
 */
export function requestDenied(d: RequestData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const lifted = d.lifted ?? null;
  const callback = denialCallback({
    status: d.request.status ?? '',
    decisionNote: d.request.decisionNote ?? null,
  });
  return accountMail(
    ctx,
    'requestDenied',
    d,
    account,
    [
      { kind: 'p', strong: true, text: t('mail.requestDenied.intro', about(ctx, d, account)) },
      ...(callback ? [{ kind: 'p' as const, text: t('mail.requestDenied.callback', { callback }) }] : []),
      ...(d.request.denyReason
        ? [
            { kind: 'h' as const, text: t('mail.requestDenied.reasonTitle') },
            { kind: 'quote' as const, text: d.request.denyReason },
          ]
        : []),
      {
        kind: 'p',
        text: lifted
          ? t('mail.requestDenied.nextLifted', { at: when(lifted, ctx) })
          : t('mail.requestDenied.next', { support: ctx.support }),
      },
      { kind: 'button', label: t('mail.requestDenied.button'), url: blockUrl(ctx, d) },
    ],
    lifted ? t('mail.requestDenied.preheaderLifted') : undefined,
  );
}

/**
 * The lift an approval queued did not happen (request_lift_failed): whose request, which and when,
 * what became of the lift, that calls stay blocked, and that the request is back with support. What
 * became of it is the truth of the case: the switch did not lift the block (it refused, or answered
 * without lifting it: `withdrawn` absent), or Tollgate withdrew the lift before the switch confirmed
 * it, and why (`withdrawn`: the switch placed a new block, the switch reported a lift from before
 * this block, support placed a block), with its own preheader; never "our switch did not lift it"
 * of a lift Tollgate withdrew.
 */
export function requestLiftFailed(d: RequestData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const values = about(ctx, d, account);
  const how = d.withdrawn ?? 'switch';
  return accountMail(
    ctx,
    'requestLiftFailed',
    d,
    account,
    [
      { kind: 'p', strong: true, text: t('mail.requestLiftFailed.intro', { ...values, how }) },
      { kind: 'p', text: t('mail.requestLiftFailed.next', { ...values, support: ctx.support }) },
      { kind: 'button', label: t('mail.requestLiftFailed.button'), url: blockUrl(ctx, d) },
    ],
    d.withdrawn ? t('mail.requestLiftFailed.preheaderWithdrawn') : undefined,
  );
}

/**
 * A lift closed the request without a decision, but another block of the account stays in force: no
 * "calling is back" mail says so (it would be false), so this one does, and points to the account.
 * With `stillBlocked` false (that other block lifted too by the time it is sent) it says only that
 * the request closed with its block: the other block's "calling is back" mail says the rest.
 */
export function requestClosed(d: RequestData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const blocked = d.stillBlocked ?? true;
  const values = about(ctx, d, account);
  return accountMail(
    ctx,
    'requestClosed',
    d,
    account,
    [
      {
        kind: 'p',
        strong: true,
        text: blocked ? t('mail.requestClosed.intro', values) : t('mail.requestClosed.introLifted', values),
      },
      {
        kind: 'p',
        text: blocked
          ? t('mail.requestClosed.next', { support: ctx.support })
          : t('mail.requestClosed.nextLifted', { support: ctx.support }),
      },
      {
        kind: 'button',
        label: t('mail.requestClosed.button'),
        url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
      },
    ],
    blocked ? undefined : t('mail.requestClosed.preheaderLifted'),
  );
}

import { displayEmail } from '@/lib/auth/email-address';
import { namesAnActor } from '@/lib/i18n/actor';
import { accountFooter, accountLabel, credentialLabel, type MailContext, url, when, hello } from './context';
import { renderMail } from './layout';

export type SipPasswordChangedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  credential: { username: string; label: string };
  changedAt: Date;
  ip: string | null;
  /** The address of who changed it, as stored (ASCII domain); null when not known. */
  by: string | null;
  /**
   * The switch's answer to the change is not known (a timeout, a 5xx, a restart mid-call): the new
   * password may or may not be in force, and if it is, the switch ended the credential's
   * registrations (CONTRACTS §3). `changedAt` is then when the change was sent. Default false.
   */
  unconfirmed?: boolean;
  /**
   * With `unconfirmed`: the switch answered, with an error, rather than not at all (a 500, a 503 that
   * asked to wait: lib/credentials/change-state.ts unknownCause), and the alert says so instead of
   * "our switch's answer never reached us". Default false.
   */
  errorAnswer?: boolean;
  /**
   * With `unconfirmed`: the switch answered by asking Tollgate to wait (a 429, or a 503, with
   * Retry-After), and from when a new password can be set (lib/credentials/change-state.ts
   * busyUntilOf of the change as stored: the time the reset page and the form's answer name). The
   * alert says it was busy, and to set the password again from then (to the second, in the reader's
   * zone), not "answered with an error" and "set it again" at once, which the portal would refuse.
   */
  busyUntil?: Date;
};

/**
 * One change a security alert lists: the credential, when (`changedAt`), from where (`ip`, null: not
 * known) and by whom (`by`, their address as stored, ASCII domain; null: not known).
 */
export type SipPasswordChangeSeen = Pick<SipPasswordChangedData, 'credential' | 'changedAt' | 'ip' | 'by'>;

/**
 * Security alert: which credential, when, by whom (their address as people write it, displayEmail:
 * a Unicode domain is not shown as `xn--…`; "unknown" in the reader's language when not known) and
 * from where, and what to do if it was not you. `unconfirmed`: the same alert for a change that may
 * or may not be in force, which asks whoever made it to set the password again (and says whether
 * the switch gave no answer or answered with an error: `errorAnswer`).
 */
export function sipPasswordChanged(d: SipPasswordChangedData, ctx: MailContext) {
  return alert(d, [d], d.unconfirmed === true, d.errorAnswer === true, ctx, d.busyUntil);
}

/**
 * The confirmed changes of one account gathered in one security alert (lib/mail/queue.ts
 * queuePasswordChangedAlert), in the order given (the order they were made): one card per credential,
 * in the order of its first change, each listing when, by whom and from where of every change of it;
 * the "if it was not you" guidance once. The changes of one credential read as sipPasswordChanged
 * does (one change: the very same message); those of several credentials as "N SIP passwords
 * changed on {account}". Throws on an empty list (a caller's bug: nothing to tell).
 */
export function sipPasswordsChanged(
  d: {
    recipient: { name: string | null };
    account: { name: string; number: string };
    changes: SipPasswordChangeSeen[];
  },
  ctx: MailContext,
) {
  const first = d.changes[0];
  if (!first) throw new Error('sipPasswordsChanged: no change to tell of');
  return alert({ ...d, ...first }, d.changes, false, false, ctx, undefined);
}

/**
 * The alert of `changes` (at least one; `d`'s own credential fields are ignored): sipPasswordChanged's
 * words while every change is of one credential, the plural ones for several. `maybe`, `errorAnswer`
 * and `busyUntil`: SipPasswordChangedData's `unconfirmed`, `errorAnswer` and `busyUntil`.
 */
function alert(
  d: Omit<SipPasswordChangedData, 'unconfirmed' | 'errorAnswer' | 'busyUntil'>,
  changes: SipPasswordChangeSeen[],
  maybe: boolean,
  errorAnswer: boolean,
  ctx: MailContext,
  busyUntil: Date | undefined,
) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  // One card per credential (by its username, unique on the switch), in the order of its first change.
  const cards = new Map<string, { title: string; lines: string[] }>();
  for (const c of changes) {
    const key = c.credential.username;
    const card = cards.get(key) ?? { title: credentialLabel(ctx, key, c.credential.label), lines: [] };
    cards.set(key, card);
    card.lines.push(
      t('mail.sipPasswordChanged.when', { at: when(c.changedAt, ctx) }),
      t('mail.sipPasswordChanged.by', {
        by: namesAnActor(c.by) ? displayEmail(c.by) : t('mail.unknownUser'),
      }),
      t('mail.sipPasswordChanged.ip', { ip: c.ip ?? t('mail.unknownIp') }),
    );
  }
  const items = [...cards.values()];
  const many = items.length > 1;
  const credential = items[0]!.title;
  const count = items.length;
  return renderMail(
    {
      subject: many
        ? t('mail.sipPasswordChanged.subjectMany', { count, account })
        : maybe
          ? t('mail.sipPasswordChanged.subjectUnconfirmed', { credential, account })
          : t('mail.sipPasswordChanged.subject', { credential, account }),
      preheader: maybe
        ? t('mail.sipPasswordChanged.preheaderUnconfirmed')
        : t('mail.sipPasswordChanged.preheader'),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: many
            ? t('mail.sipPasswordChanged.introMany', { count, account })
            : maybe
              ? t(
                  busyUntil
                    ? 'mail.sipPasswordChanged.introUnconfirmedBusy'
                    : errorAnswer
                      ? 'mail.sipPasswordChanged.introUnconfirmedError'
                      : 'mail.sipPasswordChanged.introUnconfirmed',
                  { credential, account },
                )
              : t('mail.sipPasswordChanged.intro', { credential, account }),
        },
        { kind: 'cards', items },
        {
          kind: 'p',
          text: many
            ? t('mail.sipPasswordChanged.wasYouMany')
            : maybe
              ? busyUntil
                ? t('mail.sipPasswordChanged.wasYouUnconfirmedBusy', { until: when(busyUntil, ctx, true) })
                : t('mail.sipPasswordChanged.wasYouUnconfirmed')
              : t('mail.sipPasswordChanged.wasYou'),
        },
        { kind: 'h', text: t('mail.sipPasswordChanged.notYouTitle') },
        {
          kind: 'steps',
          items: [
            many ? t('mail.sipPasswordChanged.notYou1Many') : t('mail.sipPasswordChanged.notYou1'),
            t('mail.sipPasswordChanged.notYou2'),
            t('mail.sipPasswordChanged.notYou3', { support: ctx.support }),
          ],
        },
        {
          kind: 'button',
          label: t('mail.sipPasswordChanged.button'),
          url: url(ctx, `/accounts/${encodeURIComponent(d.account.number)}`),
        },
      ],
    },
    accountFooter(ctx, account),
  );
}

import type { Audience, Translate } from '@/lib/i18n/note';
import { storedText } from '@/lib/i18n/stored';
import { switchErrorText } from '@/lib/switch/error-text';
import { callbackDisplay } from '@/lib/phone/callback';
import { countryAndCode } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import {
  accountFooter,
  accountLabel,
  type Asker,
  askerArgs,
  type MailContext,
  mailTag,
  shell,
  url,
  when,
  hello,
} from './context';
import { type Part, renderMail } from './layout';

/**
 * A start or an end as its mail reads it: `country` ISO 3166-1 alpha-2, `until` the end the switch
 * confirmed, `endedAt` when it ended, `endReason` why, as stored (lib/allowances/operations.ts
 * EndReason: `expired`, `ended_by_staff`, …; the catalogue's `allowance.endCause` words each, and
 * nothing for any other value), `createdAt` when it was
 * asked for or granted, `blockId` the block page (else the account's page), `reason` the words given
 * for it. `asker`: who asked for it as the reader is told (`support` for support's grant from the
 * account page). `staff`: the deciding agent's copy.
 */
export type AllowanceMailData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  allowance: {
    country: string;
    until: Date | null;
    endedAt: Date | null;
    endReason?: string | null;
    createdAt: Date;
    blockId: string | null;
    reason: string;
  };
  asker: Asker;
  /** The agent's copy links to the staff console instead of the customer's pages. */
  staff: boolean;
};

/**
 * A destination allowance started (the switch confirmed it) or ended (the switch no longer lists it),
 * to every member and the agent who decided it: the country, who asked for it and when (or that
 * support granted it), until when it runs, or when it ended and why (allowance.endCause).
 */
export function allowanceMail(phase: 'started' | 'ended', d: AllowanceMailData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const country = countryAndCode(d.allowance.country, mailTag(ctx));
  const path = d.staff
    ? `/staff/accounts/${encodeURIComponent(d.account.number)}`
    : d.allowance.blockId
      ? `/blocks/${d.allowance.blockId}`
      : `/accounts/${encodeURIComponent(d.account.number)}`;
  const key = phase === 'started' ? 'allowance.mail.started' : 'allowance.mail.ended';
  const who = { ...askerArgs(d.asker), asked: when(d.allowance.createdAt, ctx) };
  // Why it ended, in the words the block page uses too; empty for a reason it has none for.
  const cause = phase === 'ended' ? t('allowance.endCause', { cause: d.allowance.endReason ?? '' }) : '';
  return renderMail(
    {
      subject: t(`${key}.subject`, { country, account }),
      preheader: t(`${key}.preheader`, { country }),
      parts: [
        hello(ctx, d),
        phase === 'started'
          ? {
              kind: 'p',
              strong: true,
              text: t('allowance.mail.started.intro', {
                country,
                account,
                until: when(d.allowance.until ?? new Date(0), ctx),
                ...who,
              }),
            }
          : {
              kind: 'p',
              strong: true,
              text: t('allowance.mail.ended.intro', {
                country,
                account,
                at: when(d.allowance.endedAt ?? new Date(0), ctx),
                ...who,
              }),
            },
        ...(cause ? [{ kind: 'p', text: cause } satisfies Part] : []),
        { kind: 'quote', text: d.allowance.reason },
        { kind: 'p', text: t(`${key}.next`) },
        { kind: 'button', label: t('allowance.mail.button'), url: url(ctx, path) },
      ],
    },
    // The agent's copy says why an agent has it: they are no contact of the account.
    d.staff ? shell(ctx, t('mail.footerStaffAllowance', { account })) : accountFooter(ctx, account),
  );
}

/**
 * A customer's allowance request as its mails to them read it (allowanceReceived, allowanceDenied):
 * `asker` who asked, as the reader is told; `country` ISO 3166-1 alpha-2, `hours` asked for (1–72), `reason` as they typed it, `createdAt`
 * when they asked, `blockId` the block it was asked under (its page is the mail's link),
 * `callbackPhone` as stored (E.164, `;ext=…`), `decisionNote` the agent's reason for a denial, as stored
 * (lib/i18n/stored.ts: a person's words, shown as typed).
 */
export type AllowanceRequestMailData = {
  recipient: { name: string | null };
  account: { name: string; number: string; country: string };
  /** Who asked, as the reader is told: `you`, or the `member` who did (a denial reaches every member once they cannot read the account). */
  asker: Asker;
  allowance: {
    country: string;
    hours: number;
    reason: string;
    createdAt: Date;
    blockId: string | null;
    callbackPhone: string;
    decisionNote: string | null;
  };
};

/** The block page a request was asked from, else the account's page. */
const requestUrl = (ctx: MailContext, d: AllowanceRequestMailData) =>
  url(
    ctx,
    d.allowance.blockId
      ? `/blocks/${encodeURIComponent(d.allowance.blockId)}`
      : `/accounts/${encodeURIComponent(d.account.number)}`,
  );

/** The country as every allowance mail names it: "Somalia (SO)", in the reader's language. */
const countryOf = (ctx: MailContext, code: string) => countryAndCode(code, mailTag(ctx));

/**
 * The receipt of a customer's allowance request (allowance_received, to the one who asked): the
 * country, the hours, when they asked, their reason, the callback number as support will dial it
 * (formatted as the account's country writes it, with its extension), that support calls back before
 * deciding, and a link to the block page. Nothing is promised of an approval but that the switch's
 * confirmation is mailed (allowance_started): "allowed" is the switch's word, never this mail's.
 */
export function allowanceReceived(d: AllowanceRequestMailData, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const country = countryOf(ctx, d.allowance.country);
  const phone = callbackDisplay(d.allowance.callbackPhone, accountCountry(d.account.country));
  const at = when(d.allowance.createdAt, ctx);
  const who = askerArgs(d.asker);
  return renderMail(
    {
      subject: t('allowance.mail.received.subject', { country, account, ...who }),
      preheader: t('allowance.mail.received.preheader', who),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t('allowance.mail.received.intro', {
            country,
            account,
            at,
            hours: d.allowance.hours,
            ...who,
          }),
        },
        { kind: 'quote', text: d.allowance.reason },
        { kind: 'p', text: t('allowance.mail.received.next', { phone, ...who }) },
        { kind: 'p', text: t('allowance.mail.received.until', { country, ...who }) },
        { kind: 'button', label: t('allowance.mail.received.button', who), url: requestUrl(ctx, d) },
      ],
    },
    accountFooter(ctx, account),
  );
}

/**
 * Where things stand when a denial is sent (lib/mail/render.ts reads it then): `blocked`, a block is
 * in force and no newer allowance for the country was asked for or granted since; `askedAgain`, one
 * was (the block page shows it); `unblocked`, no block is in force on the account any more.
 */
export type DenialNow = 'blocked' | 'askedAgain' | 'unblocked';

/**
 * An agent denied a customer's allowance request (allowance_denied, to the one who asked, else every
 * member, as request_denied): what was asked and when, the agent's reason as they typed it (as
 * request_denied carries it), and what holds now (`now`): calls there stay blocked and they may ask
 * again; or a newer allowance for the country was asked for since; or no block is in force any more.
 */
export function allowanceDenied(d: AllowanceRequestMailData, now: DenialNow, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const country = countryOf(ctx, d.allowance.country);
  const at = when(d.allowance.createdAt, ctx);
  // The customer's mail (a denial goes to the one who asked, else every member): a stored note's
  // switch error, if it carries one, in the customer's words (readStored's `customer` audience).
  const reason = storedText(t as unknown as Translate, d.allowance.decisionNote, 'customer');
  const next = {
    blocked: t('allowance.mail.denied.next', { country, support: ctx.support }),
    askedAgain: t('allowance.mail.denied.nextAskedAgain', { country, account }),
    unblocked: t('allowance.mail.denied.nextUnblocked', { account }),
  }[now];
  const preheader = {
    blocked: t('allowance.mail.denied.preheader', { country }),
    askedAgain: t('allowance.mail.denied.preheaderAskedAgain', { country }),
    unblocked: t('allowance.mail.denied.preheaderUnblocked'),
  }[now];
  return renderMail(
    {
      subject: t('allowance.mail.denied.subject', { country, account }),
      preheader,
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          strong: true,
          text: t('allowance.mail.denied.intro', {
            country,
            account,
            at,
            hours: d.allowance.hours,
            ...askerArgs(d.asker),
          }),
        },
        ...(reason
          ? ([
              { kind: 'h', text: t('allowance.mail.denied.reasonTitle') },
              { kind: 'quote', text: reason },
            ] satisfies Part[])
          : []),
        { kind: 'p', text: next },
        { kind: 'button', label: t('allowance.mail.denied.button'), url: requestUrl(ctx, d) },
      ],
    },
    accountFooter(ctx, account),
  );
}

/**
 * What an allowance_not_started mail says (lib/mail/render.ts reads it from the allowance): the switch
 * refused the grant for good (`refused`), or did not confirm it within the hour and Tollgate gave it
 * up (`gaveUp`: the switch refused nothing, and it may even have reached it).
 */
export type NotStartedCause = 'refused' | 'gaveUp';

/**
 * A grant that did not start, as its mails read it: `country` ISO 3166-1 alpha-2, `decidedAt` when
 * support approved or granted it, `blockId` the block page (the customer's link; else the account's page),
 * `error` the stored switch error (`<code>: <detail>`, lib/switch/error-text.ts; the last transport
 * error of a grant given up; null when none is known), read in its reader's words (the agent's
 * `switchError.*`, the customer's `customerSwitchError.*`: no customer copy says "switch"); `staff`: the
 * deciding agent's copy (the switch's error, what to check, a link to the staff console). `asker`:
 * who asked for it as the reader is told (`you`, the `member` who did), or `support` for support's
 * grant from the account page.
 */
export type AllowanceNotStartedData = {
  recipient: { name: string | null };
  account: { name: string; number: string };
  allowance: { country: string; decidedAt: Date; blockId: string | null };
  asker: Asker;
  error: string | null;
  staff: boolean;
};

/**
 * An allowance that did not start (allowance_not_started; lib/allowances/notify.ts notifyNotStarted):
 * to the customer, `refused`: our switch did not accept it, calls there stay blocked, support will
 * contact you; `gaveUp`: our switch did not confirm it within an hour, calls there may not go through,
 * support is checking it with the switch. Never "allowed". To the deciding agent: the switch's error
 * in their words, that it is not in force, what to check, that the customer was told and the account
 * listed under "Out of sync with the switch". A link to the block page (the agent's: the staff
 * console's account page).
 */
export function allowanceNotStarted(d: AllowanceNotStartedData, cause: NotStartedCause, ctx: MailContext) {
  const { t } = ctx;
  const account = accountLabel(ctx, d.account);
  const country = countryOf(ctx, d.allowance.country);
  const at = when(d.allowance.decidedAt, ctx);
  const key = `allowance.mail.notStarted.${d.staff ? 'staff.' : ''}${cause}` as const;
  // Each copy in its reader's words (lib/i18n/note.ts Audience): the agent's says "the switch answered
  // …", the customer's "our phone system …" (customerSwitchError.*), so that no customer mail can say
  // "switch" should a customer template name {error} one day. The staff sentences name the switch
  // before {error} ("The switch refused the allowance…: {error}"): the error says "it" (SaidIn).
  const audience: Audience = d.staff ? 'staff' : 'customer';
  const error = d.error
    ? switchErrorText(t as unknown as Translate, d.error, audience, { named: audience === 'staff' })
    : t(d.staff ? 'allowance.mail.notStarted.staff.noError' : 'allowance.mail.notStarted.noError');
  const path = d.staff
    ? `/staff/accounts/${encodeURIComponent(d.account.number)}`
    : d.allowance.blockId
      ? `/blocks/${encodeURIComponent(d.allowance.blockId)}`
      : `/accounts/${encodeURIComponent(d.account.number)}`;
  const values = { country, account, at, error, support: ctx.support, ...askerArgs(d.asker) };
  return renderMail(
    {
      subject: t(`${key}.subject`, values),
      preheader: t(`${key}.preheader`, values),
      parts: [
        hello(ctx, d),
        { kind: 'p', strong: true, text: t(`${key}.intro`, values) },
        { kind: 'p', text: t(`${key}.next`, values) },
        { kind: 'button', label: t('allowance.mail.button'), url: url(ctx, path) },
      ],
    },
    d.staff ? shell(ctx, t('mail.footerStaffAllowance', { account })) : accountFooter(ctx, account),
  );
}

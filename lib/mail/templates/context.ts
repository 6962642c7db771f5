import { intlOf } from '@/lib/i18n/intl-cache';
import { DEFAULT_LOCALE, formatTag, type Locale } from '@/lib/i18n/locales';
import { translator } from '@/lib/i18n/translate';
import { renderMail, type Part, type Shell } from './layout';
import { formatWhen } from '@/lib/time/format';
import { countryAndCode } from '@/lib/phone/format';
import { credentialName } from '@/lib/accounts/credential-name';
import { displayEmail } from '@/lib/auth/email-address';

// What every template needs besides its own data. Mail is rendered outside any request (by the
// worker), so the translator is built from the catalogue directly instead of next-intl's request config.
// Each message is written in its recipient's language (User.locale).

/**
 * A translator over the catalogue of `locale` (English when omitted), formatting numbers for `region`
 * (MailContext.region) as the rest of the message does.
 */
export const mailTranslator = (locale: Locale = DEFAULT_LOCALE, region?: string | null) =>
  translator(locale, formatTag(locale, [region]));
export type Translator = ReturnType<typeof mailTranslator>;

export type MailContext = {
  t: Translator;
  /**
   * PROVIDER_NAME, or null when it is unset: the masthead and signature then read mail.providerDefault
   * ("Your VoIP provider"), and each sentence that names the provider its own wording (providerArgs).
   */
  provider: string | null;
  support: string;
  appUrl: string;
  /** The recipient's time zone (User.timeZone); every time in a message is shown in it. */
  timeZone: string;
  /** The recipient's language (User.locale); English when omitted. Dates, lists and country names follow it. */
  locale?: Locale;
  /**
   * The recipient's country (ISO 3166-1 alpha-2: the account's the message is about, else that of
   * all their accounts), which dates and numbers are written for (mailTag): a Mexican customer reads
   * "2:14 p.m.", a Spanish one "14:14". Null or omitted: the language's default (INTL_TAGS).
   */
  region?: string | null;
  /**
   * PROVIDER_SIP_ADDRESSES: the addresses, CIDR ranges or host names a customer's firewall should let
   * alone reach its SIP ports. Null or omitted (unset): sentences that name them tell the reader to
   * ask support (`support`) for the list instead (sipAddressArgs).
   */
  sipAddresses?: readonly string[] | null;
};

/** The BCP 47 tag a message formats with: its language written as in its recipient's region (formatTag). */
export const mailTag = (ctx: Pick<MailContext, 'locale' | 'region'>): string =>
  formatTag(ctx.locale ?? DEFAULT_LOCALE, [ctx.region]);

/**
 * `d` on the recipient's clock (`ctx.timeZone`, IANA; unknown: UTC, which the offset then names), in
 * their language and region (mailTag): date, time and the zone's offset from GMT, so nobody has to
 * guess: "Nov 25, 2026, 4:13 AM GMT-5", with `seconds` "Nov 25, 2026, 4:13:58 AM GMT-5", "25 nov 2026,
 * 10:13:58 GMT+1" (lib/time/format.ts formatWhen: the same words as the portal's pages, and a time
 * with seconds written as one without, never "10:13:58 (GMT+1)").
 */
export function when(
  d: Date,
  ctx: Pick<MailContext, 'timeZone' | 'locale' | 'region'>,
  seconds = false,
): string {
  return formatWhen(d, ctx.timeZone, { seconds, locale: mailTag(ctx) });
}

/** "a, b and c" / "a, b y c" in the recipient's language. */
export const list = (ctx: Pick<MailContext, 'locale' | 'region'>, items: string[]) =>
  intlOf(Intl.ListFormat, mailTag(ctx), { type: 'conjunction' }).format(items);

/**
 * The values of a sentence that names the provider's SIP addresses (mail.blockNotice.stepFirewall,
 * keepSafeLifted, mail.blockLifted.keepSafe): `listed` "yes" with `addresses`, the configured list in
 * the reader's words ("203.0.113.10, 2001:db8::/32 and sip.example.net"), or "no", and the sentence
 * says to ask `support` (SUPPORT_CONTACT) for it.
 */
export function sipAddressArgs(ctx: Pick<MailContext, 'locale' | 'region' | 'support' | 'sipAddresses'>) {
  const listed = ctx.sipAddresses?.length ? ctx.sipAddresses : null;
  return {
    listed: listed ? 'yes' : 'no',
    addresses: listed ? list(ctx, [...listed]) : '',
    support: ctx.support,
  };
}

/** The greeting paragraph: "Hello Ana," with the recipient's name, "Hello," without. */
export const hello = (ctx: MailContext, d: { recipient: { name: string | null } }) => ({
  kind: 'p' as const,
  text: d.recipient.name ? ctx.t('mail.helloName', { name: d.recipient.name }) : ctx.t('mail.hello'),
});

export const accountLabel = (ctx: MailContext, a: { name: string; number: string }) =>
  ctx.t('mail.account', { name: a.name, number: a.number });

/** A SIP credential in a mail: "label (username)", or the username alone (lib/accounts/credential-name.ts). */
export const credentialLabel = (ctx: MailContext, username: string, label?: string | null) =>
  credentialName({ username, label }, (l, u) => ctx.t('mail.credential', { label: l, username: u }));

export const url = (ctx: MailContext, path: string) => new URL(path, ctx.appUrl).toString();

/**
 * Who asked for what a mail speaks of (an unblock request, an allowance request), as that mail's
 * reader is told: `you`, the reader asked it ("your request"); `member`, another login asked it, by
 * `email` as stored (named as the pages name people, displayEmail); `support`, nobody asked: support
 * granted the allowance from the account page; `unknown`, the login that asked is gone. Every member
 * of an account is mailed about the account's requests (a decision goes to every member once the
 * one who asked can no longer read the account; a lift's mail to every member names the requests it
 * closed), and only the one who asked reads "your".
 */
export type Asker = { is: 'you' } | { is: 'member'; email: string } | { is: 'support' } | { is: 'unknown' };

/**
 * The ICU arguments of a sentence about a request, for its asker: `asker` (`you`, `member`,
 * `support`, or `other` for one no longer known; the catalogue's `{asker, select, …}`) and `by`, the
 * address of a `member` as people write it (displayEmail), else empty.
 */
export const askerArgs = (a: Asker) => ({
  asker: a.is === 'unknown' ? 'other' : a.is,
  by: a.is === 'member' ? displayEmail(a.email) : '',
});

/**
 * An allowance request as a mail names it when it closed without a decision (ISO 3166-1 alpha-2
 * `country`, `hours` asked, `createdAt` when it was asked) and who asked it, as the reader is told.
 */
export type ClosedAllowance = { country: string; hours: number; createdAt: Date; asker: Asker };

/**
 * The sentence of a mail (`mail.<key>.closedAllowance`) that tells a member of the account that an
 * allowance request closed without a decision: whose ("your request", or the address of the member
 * who asked), the country by name and code, the hours, when it was asked.
 */
export const closedAllowanceText = (
  ctx: MailContext,
  key: 'blockNotice' | 'blockLifted',
  a: ClosedAllowance,
) =>
  ctx.t(`mail.${key}.closedAllowance`, {
    country: countryAndCode(a.country, mailTag(ctx)),
    hours: a.hours,
    at: when(a.createdAt, ctx),
    ...askerArgs(a.asker),
  });

/** The provider as a heading or signature: PROVIDER_NAME, else mail.providerDefault in the recipient's language. */
export const providerLabel = (ctx: MailContext): string => ctx.provider ?? ctx.t('mail.providerDefault');

/**
 * The ICU arguments of a sentence that names the provider: `named` is "yes" and `provider` the name
 * when PROVIDER_NAME is set, else "no", and the catalogue's sentence reads without a name ("the
 * customer portal of your VoIP provider"): the default is no proper noun, "the Your VoIP provider
 * portal" would not be a sentence.
 */
export const providerArgs = (ctx: MailContext) => ({
  provider: providerLabel(ctx),
  named: ctx.provider ? 'yes' : 'no',
});

export function shell(ctx: MailContext, footer: string): Shell {
  return {
    provider: providerLabel(ctx),
    support: ctx.support,
    footer,
    linkFallback: ctx.t('mail.linkFallback'),
    lang: mailTag(ctx),
  };
}

/**
 * The shell of a mail about the security of the recipient's own login (a code, a lock, a change):
 * its footer names where that login is, the support console for `staff` (an agent or admin: the
 * staff pages are not "the customer portal of your VoIP provider"), else the customer portal.
 */
export const securityShell = (ctx: MailContext, staff: boolean) =>
  shell(
    ctx,
    staff
      ? ctx.t('mail.footerSecurityStaff', providerArgs(ctx))
      : ctx.t('mail.footerSecurity', providerArgs(ctx)),
  );

export const accountFooter = (ctx: MailContext, account: string) =>
  shell(ctx, ctx.t('mail.footerAccount', { account, ...providerArgs(ctx) }));

/** The templates whose message is about one account (accountMail): their keys under `mail.` in the catalogue. */
type AccountMailKey =
  | 'requestReceived'
  | 'requestApproved'
  | 'requestDenied'
  | 'requestLiftFailed'
  | 'requestClosed'
  | 'blockLifted';

/**
 * A message about one account, in the recipient's language: the catalogue's `mail.<key>.subject`
 * (given `{account}`, the label from accountLabel, and, for a message about a request, `d.asker`'s
 * askerArgs) and `mail.<key>.preheader` (the same arguments; or `preheader`, a variant's own, already
 * translated), the greeting, then `parts`, and the account footer. Returns renderMail's subject,
 * text and HTML.
 */
export function accountMail(
  ctx: MailContext,
  key: AccountMailKey,
  d: { recipient: { name: string | null }; asker?: Asker },
  account: string,
  parts: Part[],
  preheader?: string,
) {
  const who = d.asker ? askerArgs(d.asker) : {};
  return renderMail(
    {
      subject: ctx.t(`mail.${key}.subject`, { account, ...who }),
      preheader: preheader ?? ctx.t(`mail.${key}.preheader`, who),
      parts: [hello(ctx, d), ...parts],
    },
    accountFooter(ctx, account),
  );
}

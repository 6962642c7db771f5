import { intlOf } from '@/lib/i18n/intl-cache';
import { DEFAULT_LOCALE, formatTag, type Locale } from '@/lib/i18n/locales';
import { translator } from '@/lib/i18n/translate';
import { renderMail, type Part, type Shell } from './layout';
import { formatWhen } from '@/lib/time/format';
import { countryName } from '@/lib/phone/format';
import { credentialName } from '@/lib/accounts/credential-name';

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
};

/** The BCP 47 tag a message formats with: its language written as in its recipient's region (formatTag). */
export const mailTag = (ctx: Pick<MailContext, 'locale' | 'region'>): string =>
  formatTag(ctx.locale ?? DEFAULT_LOCALE, [ctx.region]);

/** "Nov 25, 2026, 4:13:58 AM EST": date, time and the zone's name, so nobody has to guess (lib/time/format.ts). */
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

/** An allowance request as a mail names it when it closed without a decision (ISO 3166-1 alpha-2 `country`). */
export type ClosedAllowance = { country: string; hours: number; createdAt: Date };

/**
 * The sentence of a mail (`mail.<key>.closedAllowance`) that tells the customer one of their allowance
 * requests closed without a decision: the country by name and code, the hours, when it was asked.
 */
export const closedAllowanceText = (
  ctx: MailContext,
  key: 'blockNotice' | 'blockLifted',
  a: ClosedAllowance,
) =>
  ctx.t(`mail.${key}.closedAllowance`, {
    country: `${countryName(a.country, mailTag(ctx))} (${a.country})`,
    hours: a.hours,
    at: when(a.createdAt, ctx),
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
 * (given `{account}`, the label from accountLabel) and `mail.<key>.preheader` (or `preheader`, a
 * variant's own, already translated), the greeting, then `parts`, and the account footer. Returns
 * renderMail's subject, text and HTML.
 */
export function accountMail(
  ctx: MailContext,
  key: AccountMailKey,
  d: { recipient: { name: string | null } },
  account: string,
  parts: Part[],
  preheader?: string,
) {
  return renderMail(
    {
      subject: ctx.t(`mail.${key}.subject`, { account }),
      preheader: preheader ?? ctx.t(`mail.${key}.preheader`),
      parts: [hello(ctx, d), ...parts],
    },
    accountFooter(ctx, account),
  );
}

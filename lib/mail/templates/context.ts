import { createTranslator } from 'next-intl';
import messages from '@/messages/en.json';
import type { Shell } from './layout';
import { formatWhen } from '@/lib/time/format';

// What every template needs besides its own data. Mail is rendered outside any request (by the
// worker), so the translator is built from the catalogue directly instead of next-intl's request config.

export const mailTranslator = () => createTranslator({ locale: 'en', messages });
export type Translator = ReturnType<typeof mailTranslator>;

export type MailContext = {
  t: Translator;
  provider: string;
  support: string;
  appUrl: string;
  /** The recipient's time zone (User.timeZone); every time in a message is shown in it. */
  timeZone: string;
};

/** "Nov 25, 2026, 4:13:58 AM EST": date, time and the zone's name, so nobody has to guess (lib/time/format.ts). */
export function when(d: Date, ctx: Pick<MailContext, 'timeZone'>, seconds = false): string {
  return formatWhen(d, ctx.timeZone, { seconds, locale: 'en-US' });
}

export const accountLabel = (ctx: MailContext, a: { name: string; number: string }) => ctx.t('mail.account', { name: a.name, number: a.number });

export const credentialLabel = (ctx: MailContext, username: string, label?: string | null) =>
  label && label !== username ? ctx.t('mail.credential', { label, username }) : username;

export const url = (ctx: MailContext, path: string) => new URL(path, ctx.appUrl).toString();

export function shell(ctx: MailContext, footer: string): Shell {
  return { provider: ctx.provider, support: ctx.support, footer, linkFallback: ctx.t('mail.linkFallback') };
}

export const accountFooter = (ctx: MailContext, account: string) => shell(ctx, ctx.t('mail.footerAccount', { account, provider: ctx.provider }));

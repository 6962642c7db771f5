import { getLocale, getTranslations } from 'next-intl/server';
import { Link } from '@/components/ui/link';
import { Section } from '@/components/ui/section';
import type { CurrentUser } from '@/lib/auth/session';
import { intlTag } from '@/lib/i18n/locales';
import type { Translate } from '@/lib/i18n/note';
import { countryName } from '@/lib/phone/format';
import {
  SWITCH_CHANGE_KINDS,
  SWITCH_WAITING_AFTER_MS,
  switchChangesWaiting,
  type SwitchChangeKind,
  type SwitchWaitingItem,
} from '@/lib/staff/switch-waiting';
import { switchErrorText } from '@/lib/switch/error-text';
import { formatWhen } from '@/lib/time/format';

/**
 * Where an entry leads: the unblock request whose approval queued a lift (its page says "Lifting:
 * waiting for the switch"), an allowance's card on its account page, else the account page's list of
 * switch changes.
 */
function hrefOf(c: SwitchWaitingItem): string {
  if (c.requestId) return `/staff/requests/${encodeURIComponent(c.requestId)}`;
  const account = `/staff/accounts/${encodeURIComponent(c.account.number)}`;
  return c.allowance ? `${account}#allowance-${c.allowance.id}` : `${account}#ops-title`;
}

/**
 * The staff home's list of changes the switch outbox has been sending for longer than
 * SWITCH_WAITING_AFTER_MS (lib/staff/switch-waiting.ts), oldest first: each names the account (a link
 * to the request, the allowance or the account's switch changes), what it asks of the switch, since
 * when it waits, how many attempts were made, the last failure in the reader's words
 * (lib/switch/error-text.ts) and when the outbox tries next. So after an outage the desk sees which
 * customers are still blocked behind an approved lift, which the queue no longer lists and "Out of
 * sync with the switch" does not (nothing differs yet). With none waiting that long, nothing is shown.
 */
export async function SwitchWaiting({ user }: { user: CurrentUser }) {
  const [{ items, more }, t, kinds, account, all, locale] = await Promise.all([
    switchChangesWaiting(user),
    getTranslations('staff.switchWaiting'),
    getTranslations('staff.labels.opKind'),
    getTranslations('account'),
    getTranslations(),
    getLocale(),
  ]);
  if (items.length === 0) return null;
  const when = (d: Date) => formatWhen(d, user.timeZone, { locale: intlTag(locale) });
  const what = (c: SwitchWaitingItem) => {
    if (c.kind === 'lift' && c.requestId) return t('liftOfRequest');
    const kind = (SWITCH_CHANGE_KINDS as readonly string[]).includes(c.kind)
      ? kinds(c.kind as SwitchChangeKind)
      : c.kind;
    return c.allowance
      ? t('allowance', {
          what: kind,
          country: countryName(c.allowance.country, locale),
          code: c.allowance.country,
        })
      : kind;
  };
  return (
    <Section id="switch-waiting-title" title={t('title', { count: items.length, more: more ? 'yes' : 'no' })}>
      <p>
        {t('intro', { minutes: SWITCH_WAITING_AFTER_MS / 60_000 })}
        {more ? ` ${t('showingOldest', { count: items.length })}` : ''}
      </p>
      <ul className="flex flex-col gap-2">
        {items.map((c) => (
          <li key={c.id} className="rounded-md border border-amber-300 bg-amber-50 p-3">
            {/* No account of that number in Tollgate (it was deleted): no page to link to. */}
            {c.account.name ? (
              <Link href={hrefOf(c)} className="font-medium text-blue-800 underline">
                {account('title', { name: c.account.name, number: c.account.number })}
              </Link>
            ) : (
              <span className="font-medium">{t('noAccount', { number: c.account.number })}</span>
            )}
            <span className="text-sm text-slate-700">
              {' · '}
              {what(c)}
              {' · '}
              {t('line', { since: when(c.since), attempts: c.attempts })}
            </span>
            <p className="text-sm text-slate-700">
              {[
                c.lastError
                  ? t('lastError', { error: switchErrorText(all as unknown as Translate, c.lastError) })
                  : null,
                t('next', { at: when(c.nextAttemptAt) }),
              ]
                .filter((w): w is string => w !== null)
                .join(' · ')}
            </p>
          </li>
        ))}
      </ul>
    </Section>
  );
}

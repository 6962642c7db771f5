import { useLocale, useTranslations } from 'next-intl';
import { allowanceCardHref } from '@/lib/allowances/href';
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
  type SwitchWaiting as Waiting,
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
  if (c.allowance) return allowanceCardHref(c.account.number, c.allowance.id);
  return `/staff/accounts/${encodeURIComponent(c.account.number)}#ops-title`;
}

/**
 * The staff home's list of changes the switch outbox has been sending for longer than
 * SWITCH_WAITING_AFTER_MS (lib/staff/switch-waiting.ts), as SwitchWaitingList shows them, for `user`
 * (staff) in their zone. Nothing when none waits that long and the switch asked for no pause.
 */
export async function SwitchWaiting({ user }: { user: CurrentUser }) {
  const waiting = await switchChangesWaiting(user);
  if (waiting.items.length === 0 && !waiting.quietUntil) return null;
  return <SwitchWaitingList waiting={waiting} timeZone={user.timeZone} />;
}

/**
 * The list itself (`waiting`: switchChangesWaiting's answer; times in `timeZone`, IANA), oldest
 * first: each names the account (a link to the request, the allowance or the account's switch
 * changes), what it asks of the switch, since when it waits, how many attempts were made, the last
 * failure in the reader's words (lib/switch/error-text.ts) and when the outbox tries next, to the
 * second and never a time already past ("due now" instead; during a pause the switch asked for, not
 * before its end, and it says so). So after an outage the desk sees which customers are still blocked
 * behind an approved lift, which the queue no longer lists and "Out of sync with the switch" does not
 * (nothing differs yet). While the switch has asked this instance to pause its calls and any change
 * waits (`quietUntil`), one line above the list says until when (to the second), that nothing is sent
 * meanwhile and that the changes go out after it by themselves; with no change waiting long enough to
 * be listed yet, that line and a word on why the list is empty.
 */
export function SwitchWaitingList({ waiting, timeZone }: { waiting: Waiting; timeZone: string }) {
  const { items, more, quietUntil } = waiting;
  const t = useTranslations('staff.switchWaiting');
  const kinds = useTranslations('staff.labels.opKind');
  const account = useTranslations('account');
  const all = useTranslations() as unknown as Translate;
  const locale = useLocale();
  const when = (d: Date, seconds = false) => formatWhen(d, timeZone, { locale: intlTag(locale), seconds });
  const next = ({ nextTry }: SwitchWaitingItem) =>
    nextTry === null
      ? t('nextDue')
      : t(nextTry.afterPause ? 'nextAfterPause' : 'next', { at: when(nextTry.at, true) });
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
  const minutes = SWITCH_WAITING_AFTER_MS / 60_000;
  return (
    <Section
      id="switch-waiting-title"
      title={
        items.length ? t('title', { count: items.length, more: more ? 'yes' : 'no' }) : t('titleNoneListed')
      }
    >
      {quietUntil ? (
        <p className="rounded-md border border-amber-400 bg-amber-100 p-3 font-medium">
          {t('paused', { until: when(quietUntil, true) })}
        </p>
      ) : null}
      {/* A pause with changes waiting, none of them for long enough to be listed yet. */}
      {items.length === 0 ? (
        <p>{t('noneListedYet', { minutes })}</p>
      ) : (
        <>
          <p>
            {t('intro', { minutes })}
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
                    c.lastError ? t('lastError', { error: switchErrorText(all, c.lastError) }) : null,
                    next(c),
                  ]
                    .filter((w): w is string => w !== null)
                    .join(' · ')}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

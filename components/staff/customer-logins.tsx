import { getTranslations } from 'next-intl/server';
import { CustomerLoginForm } from '@/components/staff/customer-login-forms';
import { Section } from '@/components/ui/section';
import { When } from '@/components/ui/when';
import { displayEmail } from '@/lib/auth/email-address';
import { isLocale, LOCALE_NAMES } from '@/lib/i18n/locales';
import { newIdempotencyKey } from '@/lib/server/idempotency';
import type { CustomerLoginRow } from '@/lib/staff/customer-logins';

/**
 * The account page's "Portal logins": each customer login that is a member of the account (`logins`,
 * lib/staff/customer-logins.ts listCustomerLogins) with its facts, and the forms to sign it out
 * everywhere and to disable or enable it (each with this render's idempotency key).
 */
export async function CustomerLogins({
  accountNumber,
  logins,
}: {
  accountNumber: string;
  logins: CustomerLoginRow[];
}) {
  const t = await getTranslations('staff.logins');
  return (
    <Section id="logins-title" title={t('title')}>
      <p>{t('intro')}</p>
      {logins.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {logins.map((l) => {
            const email = displayEmail(l.email);
            return (
              <li
                key={l.id}
                className="flex flex-col gap-3 rounded-md border border-slate-200 bg-white p-3"
                data-testid={`login-${l.id}`}
              >
                <h3 className="font-semibold">
                  {email}
                  {l.name ? ` (${l.name})` : ''}
                  {l.disabled ? ` · ${t('disabled')}` : ''}
                </h3>
                {l.hasPassword ? null : <p className="text-sm font-medium">{t('noPassword')}</p>}
                <p className="text-sm text-slate-700">
                  {/* The language by its own name, as the request page's summary gives it. */}
                  {t.rich('language', {
                    language: () =>
                      isLocale(l.locale) ? <span lang={l.locale}>{LOCALE_NAMES[l.locale]}</span> : l.locale,
                  })}{' '}
                  · {l.secondFactor ? t('factorOn') : t('factorOff')} · {t('sessions', { count: l.sessions })}
                  {l.waitingForCode > 0
                    ? ` (${t('waitingForCode', { count: l.waitingForCode })})`
                    : ''} ·{' '}
                  {l.lastSignInAt
                    ? t.rich('lastSignIn', { when: () => <When at={l.lastSignInAt!} /> })
                    : t('neverSignedIn')}
                </p>
                {l.otherAccounts > 0 ? (
                  <p className="text-sm font-medium">{t('otherAccounts', { count: l.otherAccounts })}</p>
                ) : null}
                <div className="flex flex-wrap items-start gap-6">
                  <CustomerLoginForm
                    kind="signOut"
                    accountNumber={accountNumber}
                    userId={l.id}
                    email={email}
                    idempotencyKey={newIdempotencyKey()}
                  />
                  <CustomerLoginForm
                    kind={l.disabled ? 'enable' : 'disable'}
                    accountNumber={accountNumber}
                    userId={l.id}
                    email={email}
                    idempotencyKey={newIdempotencyKey()}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}

import { Link } from '@/components/ui/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { ChangePasswordForm } from '@/components/change-password-form';
import { NewRecoveryCodesForm } from '@/components/new-recovery-codes-form';
import { changePasswordAction, sendPasswordProofAction, signOutEverywhereAction } from '@/lib/auth/actions';
import { EnrolProofForm } from '@/components/enrol-proof-form';
import { hasPortalPassword } from '@/lib/auth/change-password';
import { newRecoveryCodesAction } from '@/lib/auth/mfa/actions';
import { RECOVERY_FEW, unusedRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { chooseTimeZoneAction } from '@/lib/time/actions';
import { activeSessionCount, requireUser } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { newIdempotencyKey } from '@/lib/server/idempotency';
import { LanguageForm } from '@/components/language-form';
import { TimeZoneForm } from '@/components/time-zone-form';
import { When } from '@/components/ui/when';
import { zoneName, zoneOptions } from '@/lib/time/format';
import { timeZoneFollowsBrowser } from '@/lib/time/zone';
import { Section } from '@/components/ui/section';
import { SubmitButton } from '@/components/ui/submit-button';
import { buttonClass } from '@/components/ui/button-class';
import { displayEmail } from '@/lib/auth/email-address';
import { pageTitle } from '@/lib/i18n/page-title';
import { RecentSignIns } from '@/components/profile/recent-sign-ins';
import { RECENT_SIGN_IN_DAYS, recentSignIns } from '@/lib/profile/recent-sign-ins';

export const generateMetadata = () => pageTitle('profile.title');

export default async function ProfilePage() {
  const user = await requireUser('/profile');
  const t = await getTranslations('profile');
  const locale = await getLocale();
  const count = await activeSessionCount(user.id);
  const signIns = await recentSignIns(user);
  const hasPassword = await hasPortalPassword(user.id);
  const recoveryLeft = user.mfaEnrolled ? await unusedRecoveryCodes(user.id) : null;
  return (
    <div className="flex flex-col gap-8">
      <div>
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <p className="text-slate-700">{t('signedInAs', { email: displayEmail(user.email) })}</p>
      </div>
      <Section id="language-title" title={t('languageTitle')}>
        <p>{t('languageIntro')}</p>
        <LanguageForm id="profile-language" label={t('languageLabel')} />
      </Section>
      <Section id="tz-title" title={t('timeZone.title')}>
        <p>
          {t.rich('timeZone.now', {
            zone: zoneName(user.timeZone, locale),
            when: () => <When at={new Date()} />,
          })}
        </p>
        <TimeZoneForm
          action={chooseTimeZoneAction}
          current={user.timeZone}
          zones={zoneOptions(locale)}
          followsBrowser={await timeZoneFollowsBrowser(user.id)}
        />
      </Section>
      <Section id="pw-title" title={hasPassword ? t('changeTitle') : t('chooseTitle')}>
        {hasPassword ? null : (
          <>
            <p>{t('noPassword')}</p>
            <EnrolProofForm action={sendPasswordProofAction} />
          </>
        )}
        <ChangePasswordForm
          hasPassword={hasPassword}
          action={changePasswordAction}
          userInputs={[user.email, user.name ?? '']}
          minScore={env().PASSWORD_MIN_SCORE}
          idempotencyKey={newIdempotencyKey()}
        />
      </Section>
      <Section id="mfa-title" title={t('mfaTitle')}>
        {user.mfaEnrolled ? (
          <>
            <p>{t('mfaOn')}</p>
            {/* Before the recovery codes, whose replacement asks for the app's code: the way back
                for someone who signed in with a recovery code because the phone is gone. */}
            <h3 className="font-semibold">{t('moveTitle')}</h3>
            <p>{t('moveIntro')}</p>
            <Link
              href="/security/two-factor/move?next=/profile"
              className={buttonClass('secondary', 'self-start')}
            >
              {t('move')}
            </Link>
            <h3 className="font-semibold">{t('recoveryTitle')}</h3>
            <p>{t('recoveryIntro')}</p>
            {recoveryLeft === null ? null : (
              <p className={recoveryLeft <= RECOVERY_FEW ? 'font-semibold text-red-800' : undefined}>
                {t('recoveryLeft', { count: recoveryLeft })}
              </p>
            )}
            <NewRecoveryCodesForm
              action={newRecoveryCodesAction}
              label={t('recoveryCode')}
              submit={t('recoverySubmit')}
            />
          </>
        ) : (
          <>
            <p>{t('mfaOff')}</p>
            <Link
              href="/security/two-factor?next=/profile"
              className={buttonClass('secondary', 'self-start')}
            >
              {t('mfaSetUp')}
            </Link>
          </>
        )}
      </Section>
      <Section id="sessions-title" title={t('sessionsTitle')}>
        <p>{t('sessionsIntro', { count })}</p>
        {/* What they were, and the control to end them, side by side: a sign-in that was not theirs
            is answered right under the line that says so. */}
        <RecentSignIns rows={signIns} days={RECENT_SIGN_IN_DAYS} />
        <form action={signOutEverywhereAction}>
          <SubmitButton variant="danger">{t('signOutEverywhere')}</SubmitButton>
        </form>
      </Section>
    </div>
  );
}

import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AuthenticatorSecret } from '@/components/authenticator-secret';
import { EnrolForm } from '@/components/enrol-form';
import { EnrolProofForm } from '@/components/enrol-proof-form';
import { displayEmail } from '@/lib/auth/email-address';
import { requireUser } from '@/lib/auth/session';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { pendingEnrolment } from '@/lib/auth/mfa/enrol';
import { enrolAction, sendEnrolmentProofAction } from '@/lib/auth/mfa/actions';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('mfa.setup.title');

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeCallbackUrl((await searchParams).next);
  const user = await requireUser('/security/two-factor', { allowUnverified: true });
  if (user.mfaEnrolled && !user.mfaVerified) redirect(`/security/verify?next=${encodeURIComponent(next)}`);
  // On already: right after the enrolment this page is rendered again (its action set the new
  // session's cookie, and Next refreshes the page then), so it keeps its shape, the set-up steps
  // left empty, and the form keeps the recovery codes it shows once. Visited later, it says it is on
  // and offers "Move to a new phone".
  const on = user.mfaEnrolled;
  const pending = on ? null : await pendingEnrolment(user);
  const t = await getTranslations('mfa');
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('setup.title')}</h1>
      <p>{user.role === 'customer' ? t('setup.introCustomer') : t('setup.introStaff')}</p>
      {pending ? (
        <ol className="list-decimal space-y-2 pl-5">
          <li>{t('setup.mail', { email: displayEmail(user.email) })}</li>
          <li>{t('setup.scan')}</li>
          <li>{t('setup.enter')}</li>
        </ol>
      ) : null}
      {pending ? <EnrolProofForm action={sendEnrolmentProofAction} /> : null}
      {pending ? (
        <AuthenticatorSecret
          qrDataUrl={pending.qrDataUrl}
          secret={pending.secret}
          alt={t('setup.qrAlt')}
          cannotScan={t('setup.cannotScan')}
        />
      ) : null}
      <EnrolForm
        key="enrol"
        action={enrolAction}
        next={next}
        on={on}
        // On and passed in this session: the way to a new phone (a lost one's recovery code did).
        moveHref={on ? `/security/two-factor/move?next=${encodeURIComponent(next)}` : undefined}
      />
    </div>
  );
}

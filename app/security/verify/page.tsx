import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { CodeForm } from '@/components/ui/code-form';
import { requireUser } from '@/lib/auth/session';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { verifyAction } from '@/lib/auth/mfa/actions';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('mfa.verifyTitle');

export default async function VerifyPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeCallbackUrl((await searchParams).next);
  const user = await requireUser(`/security/verify?next=${encodeURIComponent(next)}`, {
    allowUnverified: true,
  });
  if (!user.mfaEnrolled) redirect('/security/two-factor');
  if (user.mfaVerified) redirect(next);
  const t = await getTranslations('mfa');
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('verifyTitle')}</h1>
      <p>{t('verifyIntro')}</p>
      {/* The code's form carries the browser's zone: the password step left it for this one. The
          field has the focus on arrival: this page is only for typing the code. */}
      <CodeForm
        action={verifyAction}
        next={next}
        label={t('code')}
        submit={t('verify')}
        sendTimeZone
        focusOnArrival
      />
    </div>
  );
}

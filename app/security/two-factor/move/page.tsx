import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AuthenticatorSecret } from '@/components/authenticator-secret';
import { EnrolProofForm } from '@/components/enrol-proof-form';
import { MovePhoneForm } from '@/components/move-phone-form';
import { displayEmail } from '@/lib/auth/email-address';
import { requireUser } from '@/lib/auth/session';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { movePage } from '@/lib/auth/mfa/move';
import { moveAction, sendMoveProofAction } from '@/lib/auth/mfa/actions';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('mfa.move.title');

// "Move to a new phone" (lib/auth/mfa/move.ts), offered by the profile and the two-factor page while
// the factor is on. Only for a session past its second factor (requireUser sends any other to the
// code first: a recovery code will do), so a lost phone is no dead end. The form sends back which QR
// code it was shown with (movePage `shown`): a page left open in another tab is then told it is out of
// date, and a QR code that is the secret in force is never shown to scan.
export default async function MovePhonePage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeCallbackUrl((await searchParams).next);
  const user = await requireUser(`/security/two-factor/move?next=${encodeURIComponent(next)}`);
  if (!user.mfaEnrolled) redirect(`/security/two-factor?next=${encodeURIComponent(next)}`);
  const pending = await movePage(user);
  const t = await getTranslations('mfa');
  if (pending.inForce)
    return (
      <div className="mx-auto flex max-w-md flex-col gap-4">
        <h1 className="text-2xl font-bold">{t('move.title')}</h1>
        <p>{t('move.inForce')}</p>
      </div>
    );
  const steps = <MoveSteps t={t} email={displayEmail(user.email)} pending={pending} />;
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('move.title')}</h1>
      {/* Gone once the form shows the new recovery codes (components/move-phone-form.tsx): the QR
          code would then be the next move's. */}
      <MovePhoneForm key="move" action={moveAction} next={next} shown={pending.shown} steps={steps} />
    </div>
  );
}

/** The set-up steps before the move's form: what to do, the mailed code's form, the QR code. */
function MoveSteps({
  t,
  email,
  pending,
}: {
  t: Awaited<ReturnType<typeof getTranslations<'mfa'>>>;
  email: string;
  pending: { qrDataUrl: string; secret: string };
}) {
  return (
    <div className="flex flex-col gap-4">
      <p>{t('move.intro')}</p>
      <ol className="list-decimal space-y-2 pl-5">
        <li>{t('setup.mail', { email })}</li>
        <li>{t('move.scan')}</li>
        <li>{t('setup.enter')}</li>
      </ol>
      <EnrolProofForm action={sendMoveProofAction} />
      <AuthenticatorSecret
        qrDataUrl={pending.qrDataUrl}
        secret={pending.secret}
        alt={t('move.qrAlt')}
        cannotScan={t('setup.cannotScan')}
      />
    </div>
  );
}

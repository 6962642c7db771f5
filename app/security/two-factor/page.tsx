import { redirect } from 'next/navigation';
import { EnrolForm } from '@/components/enrol-form';
import { requireUser } from '@/lib/auth/session';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { pendingEnrolment } from '@/lib/auth/mfa/enrol';
import { enrolAction } from '@/lib/auth/mfa/actions';

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeCallbackUrl((await searchParams).next);
  const user = await requireUser('/security/two-factor', { allowUnverified: true });
  if (user.mfaEnrolled) redirect(user.mfaVerified ? next : `/security/verify?next=${encodeURIComponent(next)}`);
  const { qrDataUrl, secret } = await pendingEnrolment(user);
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4">
      <h1 className="text-2xl font-bold">Set up two-factor authentication</h1>
      <p>
        {user.role === 'customer'
          ? 'With a second factor, a stolen password alone is not enough to sign in to your accounts.'
          : 'Support staff must use a second factor: a stolen password alone must never be enough to lift a block.'}
      </p>
      <ol className="list-decimal space-y-2 pl-5">
        <li>Scan this QR code with an authenticator app.</li>
        <li>Enter the 6-digit code it shows.</li>
      </ol>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated on the server */}
      <img src={qrDataUrl} alt="QR code for your authenticator app" width={220} height={220} className="self-center rounded border border-slate-300" />
      <p className="text-sm">
        Cannot scan? Enter this key: <code className="break-all rounded bg-slate-100 px-1">{secret}</code>
      </p>
      <EnrolForm action={enrolAction} next={next} />
    </div>
  );
}

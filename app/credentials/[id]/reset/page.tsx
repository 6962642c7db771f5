import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RegisteredDevices } from '@/components/devices/registered-devices';
import { ResetForm } from '@/components/sip/reset-form';
import { requireUser } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { credentialForUser } from '@/lib/credentials/reset';
import { devicesForCredential } from '@/lib/devices/registrations';

export default async function ResetPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ block?: string }> }) {
  const { id } = await params;
  const { block } = await searchParams;
  const user = await requireUser(`/credentials/${encodeURIComponent(id)}/reset`);
  const cred = await credentialForUser(user.id, id);
  if (!cred) notFound();
  const backHref = block && /^[a-z0-9]{1,64}$/i.test(block) ? `/blocks/${block}` : '/';
  return (
    <div className="flex flex-col gap-4">
      <Link href={backHref} className="text-sm text-blue-800 underline">Back</Link>
      <h1 className="text-2xl font-bold">Reset SIP password</h1>
      <p className="max-w-xl">
        {cred.label} <span className="font-mono">({cred.username})</span> on {cred.account.name} ({cred.account.number}). The new password is sent to the
        switch straight away; the old one stops working on the device’s next registration.
      </p>
      <ResetForm credentialId={cred.id} username={cred.username} label={cred.label} minGuessesLog10={env().SIP_PASSWORD_MIN_GUESSES_LOG10}
        userInputs={[cred.account.number, cred.account.name, cred.username, user.email]} backHref={backHref} />
      <RegisteredDevices load={devicesForCredential(user.id, cred.id)} />
    </div>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { SignInForm } from '@/components/sign-in-form';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import { currentUser } from '@/lib/auth/session';
import { endedSession } from '@/lib/auth/session-end';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { signInFormAction } from '@/lib/auth/actions';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('meta.signIn', { app: t('name') }) };
}

type Search = Promise<{ callbackUrl?: string; error?: string; signedOut?: string; linkSent?: string }>;

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(sp.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const t = await getTranslations('signIn');
  const asked =
    sp.error === 'Verification'
      ? t('linkInvalid')
      : sp.error === 'LinkCut'
        ? t('linkCut')
        : sp.error === 'AccessDenied'
          ? t('accessDenied')
          : sp.signedOut
            ? t('signedOut')
            : null;
  // A browser whose session cookie no longer signs it in (expired, ended elsewhere, unreadable) is told
  // so, from the cookie it sent (lib/auth/session-end.ts), never from the address: a new visitor, with
  // no cookie, sees the plain page. An answer the address asks for (a link's error, a sign-out, a link
  // sent) is about this very step and wins.
  const ended = asked || sp.linkSent ? null : await endedSession();
  const notice =
    asked ??
    (ended?.why === 'expired'
      ? t('sessionExpired', { hours: ended.hours })
      : ended?.why === 'revoked'
        ? t('sessionRevoked')
        : ended
          ? t('sessionEnded')
          : null);
  return (
    <div className="mx-auto flex max-w-md flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="text-slate-700">{t('intro')}</p>
      {sp.linkSent && !notice ? <FocusOnArrival>{t('linkSent')}</FocusOnArrival> : null}
      {notice ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {notice}
        </p>
      ) : null}
      <SignInForm
        action={signInFormAction}
        callbackUrl={callbackUrl}
        words={{
          email: t('email'),
          password: t('password'),
          submit: t('submit'),
          submitting: t('submitting'),
          or: t('or'),
          emailLink: t('emailLink'),
          sendingLink: t('sendingLink'),
        }}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { ContinueLinkForm } from '@/components/continue-link-form';
import { readLinkQuery, type LinkSearchParams } from '@/lib/auth/link-query';
import { bindingOf, bindingProof, linkForAnotherUser, linkOwner } from '@/lib/auth/link-sign-in';
import { currentUser } from '@/lib/auth/session';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { continueLinkAction } from '@/lib/auth/actions';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('meta.signIn', { app: t('name') }), robots: { index: false, follow: false } };
}

type Search = Promise<LinkSearchParams>;

/**
 * Every emailed sign-in link opens here. Showing it changes nothing (mail scanners fetch links too);
 * the "Continue" button's POST uses the link (lib/auth/link-sign-in.ts). A browser signed in as
 * someone else (a notice forwarded to a colleague) gets no button: it would sign them in as the
 * link's owner. The page says whose link it is, masked, and leaves it unused. Otherwise it says whose
 * login the button opens (masked), so that someone a notice was forwarded to can stop there.
 */
export default async function SignInLinkPage({ searchParams }: { searchParams: Search }) {
  // The token and destination as the mail left them (upper case, `&amp;`, `%26`, punctuation…):
  // readLinkQuery. "Incomplete" only for a link really cut short; any other is "used or expired".
  const { token, cut, callbackUrl } = readLinkQuery(await searchParams);
  const owner = token === null ? null : await linkOwner(token);
  if (token === null || !owner)
    redirect(
      `/sign-in?error=${cut ? 'LinkCut' : 'Verification'}&callbackUrl=${encodeURIComponent(callbackUrl)}`,
    );
  const me = await currentUser();
  const signedIn = me?.id;
  // Already signed in here as the link's owner, second factor and all (a block notice opened in the
  // browser they use): the page it names, in the session they have. Using the link would replace that
  // session with a new one, which, for someone with a second factor, asks for a code again (review,
  // session 39). A session still waiting for its second factor uses the link as before, and so does
  // the link of a "second factor locked" mail, which unlocks the factor only when used.
  if (me && signedIn === owner.userId && (!me.mfaEnrolled || me.mfaVerified) && !owner.unlocks)
    redirect(callbackUrl);
  // This link's own binding cookie, which proxy.ts set on this very request when the browser had
  // none for it (lib/auth/link-binding.ts): other links' pages, open in other tabs, keep theirs.
  const bind = bindingOf(await cookies(), token);
  const t = await getTranslations('signIn');
  if (linkForAnotherUser(owner.userId, signedIn))
    return (
      <div className="mx-auto flex max-w-md flex-col gap-6">
        <h1 className="text-2xl font-bold">{t('linkOtherTitle')}</h1>
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {t('linkOtherUser', { owner: owner.maskedEmail })}
        </p>
        <Link href="/" className={`${PAGE_LINK} self-start font-medium`}>
          {t('linkOtherHome')}
        </Link>
      </div>
    );
  return (
    <div className="mx-auto flex max-w-md flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('linkTitle')}</h1>
      <p className="text-slate-700">{t('linkIntro')}</p>
      {/* Whose login the button opens, before it is pressed: a notice forwarded to a colleague who is
          signed in nowhere here would otherwise sign them in as its owner without a word (review 40). */}
      <p className="rounded-md border border-slate-300 bg-slate-50 p-3 text-slate-900">
        {t('linkOwnerNotice', { owner: owner.maskedEmail })}
      </p>
      <ContinueLinkForm
        action={continueLinkAction}
        token={token}
        proof={bind ? bindingProof(bind, token) : ''}
        callbackUrl={callbackUrl}
        label={t('linkContinue')}
        pending={t('submitting')}
      />
    </div>
  );
}

import { getTranslations } from 'next-intl/server';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import type { ReaderScope } from '@/lib/accounts/reader-scope';

/**
 * The 404 of a page about one of a customer's things (a block, a SIP credential, an account): the
 * generic words, then, for a signed-in reader, the address they are signed in with, the accounts that
 * login can see, and what to do when a notice email brought them here (they may have been removed from
 * that account, or the notice went to another address). Given only `reader` (lib/accounts/reader-scope.ts)
 * and the provider's `support` contact, it reads the same for every id that is not the reader's, so
 * it says nothing about whether that id exists.
 */
export async function NotOnYourAccounts({
  reader,
  support,
}: {
  reader: ReaderScope | null;
  support: string;
}) {
  const t = await getTranslations('errors');
  return (
    <div className="flex flex-col gap-3">
      <h1 className="text-2xl font-bold">{t('notFoundTitle')}</h1>
      <p>{t('notFound')}</p>
      {reader ? (
        <>
          <p>{t('notYours.signedInAs', { email: reader.email })}</p>
          {reader.accounts.length ? (
            <>
              <p id="not-yours-accounts">{t('notYours.accounts', { count: reader.accounts.length })}</p>
              <ul aria-labelledby="not-yours-accounts" className="list-disc pl-6">
                {reader.accounts.map((a) => (
                  <li key={a.id}>
                    <Link href={`/accounts/${encodeURIComponent(a.number)}`} className={PAGE_LINK}>
                      {a.name} ({a.number})
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('notYours.noAccounts')}</p>
          )}
          <p>{t('notYours.notice', { support })}</p>
        </>
      ) : null}
      <Link href="/" className={`${PAGE_LINK} self-start`}>
        {t('home')}
      </Link>
    </div>
  );
}

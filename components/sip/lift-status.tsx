import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { listOfNodes } from '@/components/block/explanation';
import { CredentialName } from '@/components/ui/credential-name';
import { Link } from '@/components/ui/link';
import { credentialName } from '@/lib/accounts/credential-name';
import { intlTag } from '@/lib/i18n/locales';
import { ZONED } from '@/lib/time/format';
import { followsLift, type LiftNews } from './lift-news';

/** The look of each piece of news: waiting (amber), calling back (green), still refused (amber). */
const LOOK: Record<Exclude<LiftNews['is'], 'none'>, string> = {
  onItsWay: 'border-amber-300 bg-amber-50 text-amber-950',
  back: 'border-emerald-300 bg-emerald-50 text-emerald-950',
  otherOpen: 'border-amber-300 bg-amber-50 text-amber-950',
  blocking: 'border-amber-300 bg-amber-50 text-amber-950',
  refused: 'border-amber-300 bg-amber-50 text-amber-950',
  withheld: 'border-amber-300 bg-amber-50 text-amber-950',
};

/**
 * The SIP password reset page's status region for the lift of the block it came from (`news`,
 * components/sip/lift-news.ts liftNews), under the form and its answer: the form's answer says the
 * lift is queued (reset.liftQueued), and this says, as the page follows it (components/auto-refresh.tsx),
 * that it is still on its way, that international calling is back (only once the switch confirmed the
 * lift), or why not (another block in force, support's block on its way, the switch refused the lift,
 * or the devices check found another credential to change), with a link to the block page
 * (`blockHref`) where there is something left to read or do there. The region (`role="status"`,
 * polite) is always rendered, empty for `none`, so that a screen reader hears the words that come
 * into it when the page renders again (a live region added with its words is often not read).
 * While something is on its way, a browser without JavaScript (which the page's refresh needs) is
 * told to reload (`noScript`). Words: reset.lift.*, customer words ("our phone system"). Server and
 * client components alike (next-intl's hooks: the page's request, or a test's provider).
 */
export function LiftStatus({ news, blockHref }: { news: LiftNews; blockHref: string }) {
  const t = useTranslations('reset.lift');
  const format = useFormatter();
  const locale = useLocale();
  let words: React.ReactNode = null;
  let linked = false;
  switch (news.is) {
    case 'none':
      break;
    case 'onItsWay':
    case 'refused':
      words = t(news.is);
      linked = news.is === 'refused';
      break;
    case 'back':
    case 'otherOpen':
    case 'blocking':
      words = t(news.is, { at: format.dateTime(news.at, ZONED), count: news.count });
      linked = news.is === 'otherOpen';
      break;
    case 'withheld':
      words = t.rich('withheld', {
        count: news.credentials.length,
        how: news.how,
        credentials: () =>
          listOfNodes(
            news.credentials.map((c) => ({
              text: credentialName(c),
              shown: <CredentialName credential={c} brackets usernameClass="" />,
            })),
            intlTag(locale),
          ),
      });
      linked = true;
      break;
  }
  return (
    <div id="reset-lift" role="status" aria-live="polite" className="max-w-xl">
      {news.is === 'none' ? null : (
        <div className={`flex flex-col gap-2 rounded-md border p-3 ${LOOK[news.is]}`}>
          <p className={news.is === 'back' ? 'font-semibold' : undefined}>
            {words}
            {/* The page follows what is on its way with its script (components/auto-refresh.tsx):
                without it, a reload shows what came (CSS `scripting: none`). */}
            {followsLift(news) ? <span className="hidden noscript:inline"> {t('noScript')}</span> : null}
          </p>
          {linked ? (
            <p>
              <Link href={blockHref} className="underline">
                {t('blockPage')}
              </Link>
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}

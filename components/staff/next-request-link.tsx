import { useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import { buttonClass } from '@/components/ui/button-class';

/**
 * "Next request" (docs/staff-console.md, "Taking a request"): the link to /staff/requests/next with the
 * queue's filter (`href`, built by the page from lib/requests/queue-filter.ts), and its hint, which the
 * link names as its description. On the queue and on a decided request's page.
 */
export function NextRequestLink({ href }: { href: string }) {
  const desk = useTranslations('staff.desk');
  return (
    <>
      <Link href={href} className={buttonClass('primary')} aria-describedby="next-hint">
        {desk('next')}
      </Link>
      <span id="next-hint" className="text-sm text-slate-700">
        {desk('nextHint')}
      </span>
    </>
  );
}

import type { ReactNode } from 'react';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { Link } from '@/components/ui/link';
import { When } from '@/components/ui/when';
import { actorArgs } from '@/components/block/timeline';
import type { PageActor } from '@/lib/blocks/queries';
import { countryAndCode } from '@/lib/phone/format';
import { ZONED } from '@/lib/time/format';

/** A notice of what is already asked for, on a page that asks something of a block, and the way back to it. */
function Notice({
  lead,
  items,
  link,
  blockId,
}: {
  lead: string;
  items: ReactNode[];
  link: string;
  blockId: string;
}) {
  return (
    <div className="flex max-w-xl flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
      <p>{lead}</p>
      <ul className="list-disc pl-5">{items}</ul>
      <p>
        <Link href={`/blocks/${blockId}`} className="font-medium underline">
          {link}
        </Link>
      </p>
    </div>
  );
}

/**
 * In place of a request form (misdial, firewall) while a request for the block is pending: support
 * takes one request per block at a time (lib/requests/submit.ts refuses a second with
 * outcome.request.alreadyOpen), so the form would be refused only once filled in. Says which request
 * waits, in the block page's words (block.request.*: its kind, when and by whom it was sent, its
 * status: another member of the account may have sent it), and links back to the block page, where
 * it is followed or withdrawn.
 */
export async function PendingRequest({
  blockId,
  request,
}: {
  blockId: string;
  request: { kind: 'misdial' | 'firewall'; status: string; createdAt: Date; submittedBy: PageActor };
}) {
  const t = await getTranslations('unblock');
  const r = await getTranslations('block.request');
  return (
    <Notice
      blockId={blockId}
      lead={t('pending')}
      link={t('pendingLink')}
      items={[
        <li key="request">
          {r('kind', { kind: request.kind })} ·{' '}
          {r.rich('sent', { at: () => <When at={request.createdAt} />, ...actorArgs(request.submittedBy) })} ·{' '}
          <strong>{r('status', { status: request.status })}</strong>
        </li>,
      ]}
    />
  );
}

/**
 * Above the allowance form, the account's allowances already asked for, on their way or in force
 * (`open`: one per country, lib/allowances/rules.ts OPEN_STATUSES), each in the block page's words
 * (allowance.status.*), with a link back to the block page. The form offers every other country: a
 * request for one of these would be refused (outcome.allowance.open) only once filled in.
 */
export async function OpenAllowances({
  blockId,
  open,
}: {
  blockId: string;
  open: {
    id: string;
    country: string;
    status: string;
    hours: number;
    until: Date | null;
    /** When an end still waiting for the switch was queued (lib/allowances/queries.ts), else null. */
    endingSince?: Date | null;
  }[];
}) {
  const t = await getTranslations('allowance');
  const locale = await getLocale();
  const format = await getFormatter();
  return (
    <Notice
      blockId={blockId}
      lead={t('pending', { count: open.length })}
      link={t('pendingLink', { count: open.length })}
      items={open.map((a) => (
        <li key={a.id}>
          {/* One being ended is still in force until the switch confirms it: said so, as on the block page. */}
          {t(
            `status.${a.status === 'active' && a.endingSince ? 'activeEnding' : (a.status as 'requested')}`,
            {
              country: countryAndCode(a.country, locale),
              hours: a.hours,
              until: a.until ? format.dateTime(a.until, ZONED) : '',
            },
          )}
        </li>
      ))}
    />
  );
}

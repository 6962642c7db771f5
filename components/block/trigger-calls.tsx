import type { ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import { useLocale, useTranslations } from 'next-intl';
import { DataTable } from '@/components/ui/data-table';
import { IpPlace } from '@/components/ui/ip-place';
import { When } from '@/components/ui/when';
import type { CountryCode } from 'libphonenumber-js';
import type { BlockView } from '@/lib/blocks/queries';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { formatCallDuration } from '@/lib/requests/call-summary';
import { revealInvisible } from '@/lib/server/control-characters';
import { TechnicalDetails } from '@/components/ui/technical-details';

/**
 * What the table needs: the customer's block page and the staff request page both pass theirs. A call
 * the staff request page passes may carry `marked`: the customer marked it as the misdial
 * (lib/requests/detail.ts); the customer's pages pass none.
 */
type CallsOf = {
  account: Pick<BlockView['account'], 'country'>;
  calls: (BlockView['calls'][number] & { marked?: boolean })[];
  /** Calls the switch listed beyond those stored (lib/blocks/trigger-calls.ts): "and N more calls". */
  callsNotKept: number;
};

/**
 * What the table shows of one call's text the switch wrote: `credential` (the SIP username, or the
 * `from` as sent when it named none: a trunk), `number` (the dialled number formatted when it was
 * read, else `to` as sent: describeDialled `display`) and `ip` (the source address, or the text
 * sent), each with its invisible formatting characters written out as `\uXXXX` (revealInvisible,
 * lib/server/control-characters.ts "Text the switch wrote"): a U+202E in a dialled string the
 * fraudster chose would otherwise show the customer the rest of it reversed. `dialled` is the reading
 * of the stored `to` in `locale` (BCP 47), for the country column; the stored values are not changed.
 */
export function callShown(
  call: Pick<CallsOf['calls'][number], 'sipUsername' | 'to' | 'sourceIp'>,
  country: CountryCode,
  locale: string,
) {
  const dialled = describeDialled(call.to, country, locale);
  return {
    dialled,
    credential: revealInvisible(call.sipUsername),
    number: revealInvisible(dialled.display),
    ip: revealInvisible(call.sourceIp),
  };
}

/**
 * A call's source address in the table (`ip`, as callShown gives it) and where it is (IpPlace); a call
 * the switch reported without one (stored as '': lib/blocks/call-overview.ts NO_SOURCE_IP) reads
 * "address not reported" (block.noSourceIp), never an empty address beside "country unknown" (a
 * tester, 2026-12-07). With hooks, so that it renders in a test as in the page.
 */
export function CallSource({ ip }: { ip: string }) {
  const t = useTranslations('block');
  return ip === '' ? <span className="text-slate-700">{t('noSourceIp')}</span> : <IpPlace ip={ip} />;
}

/**
 * The trigger calls of a block as a table; on a phone, a card per call, its destination and number
 * first (DataTable `stack`). `more`: the calls given are some of `count` stored (the
 * latest, lib/blocks/queries.ts CALLS_SHOWN); when there are more, a line says how many there are and
 * links to `href`, the page that lists them all (`/blocks/{id}/calls`).
 *
 * When any call is `marked` (a misdial request's calls, on the staff request page), the table gets a
 * first column, "Misdial", whose cell says "Marked by the customer" in each marked row and is empty in
 * the others: the agent checks exactly those calls on the callback, and the words (not only the row's
 * tint) say which they are, to a screen reader too (WCAG 1.4.1). Without a marked call, no column: the
 * customer's own tables, and a firewall request's, are as before.
 *
 * `timeNote`: a line under each call's time (the staff request page: the call on the customer's
 * clock, components/staff/their-call-time.tsx); the customer's pages pass none.
 */
export function TriggerCalls({
  block,
  more,
  timeNote,
}: {
  block: CallsOf;
  more?: { count: number; href: string };
  timeNote?: (at: Date) => ReactNode;
}) {
  const t = useTranslations('block');
  const locale = useLocale();
  const place = useTranslations('ipPlace');
  const app = useTranslations('app');
  const country = accountCountry(block.account.country);
  const partial = more && more.count > block.calls.length ? more : null;
  const markedColumn = block.calls.some((c) => c.marked);
  const columns = ['time', 'credential', 'number', 'country', 'ip', 'duration'] as const;
  return (
    <>
      {partial ? (
        <p className="text-sm">
          {t('callsShown', { shown: block.calls.length, count: partial.count })}{' '}
          <Link href={partial.href} className="font-medium text-blue-800 underline">
            {t('callsAll', { count: partial.count })}
          </Link>
        </p>
      ) : null}
      <DataTable
        caption={t('callsCaption')}
        headers={[...(markedColumn ? [t('col.marked')] : []), ...columns.map((c) => t(`col.${c}`))]}
        minWidth={markedColumn ? 'min-w-[48rem]' : 'min-w-[40rem]'}
        stack
        note={
          <>
            {block.callsNotKept > 0 ? (
              <p className="mt-1 text-sm">{t('callsNotKept', { count: block.callsNotKept })}</p>
            ) : null}
            {/* Where the countries come from: for whoever asks, not a line every reader must get past. */}
            <TechnicalDetails summary={app('technicalDetails')} className="mt-1">
              <p className="text-xs text-slate-600">{place('source')}</p>
            </TechnicalDetails>
          </>
        }
      >
        {block.calls.map((c) => {
          const shown = callShown(c, country, locale);
          const d = shown.dialled;
          return (
            <tr key={c.id} className={c.marked ? 'bg-amber-50' : undefined}>
              {markedColumn ? (
                <td className="max-md:-order-3">
                  {c.marked ? (
                    <span className="inline-block rounded border border-amber-700 px-1.5 py-0.5 text-xs font-semibold text-amber-950">
                      {t('markedByCustomer')}
                    </span>
                  ) : null}
                </td>
              ) : null}
              <td className="whitespace-nowrap">
                <When at={c.at} seconds />
                {timeNote?.(c.at)}
              </td>
              <td className="font-mono">
                <span className="unbroken">{shown.credential}</span>
              </td>
              {/* On a phone's card (DataTable `stack`) the destination comes first, then the number. */}
              <td className="font-mono whitespace-nowrap max-md:-order-1">
                <span className="unbroken">{shown.number}</span>
              </td>
              <td className="max-md:-order-2">
                {d.flag ? <span aria-hidden="true">{d.flag} </span> : null}
                {/* A network's name is worded for the middle of a sentence ("2 calls to international
                    networks"); at the start of its cell it takes a capital, as a country's has. On
                    its own inline block, so that neither the flag nor a phone card's label
                    (app/globals.css table-stack) is the first letter. */}
                <span className="inline-block first-letter:uppercase">
                  {d.countryName ?? t('unknownCountry')}
                </span>
                {d.highCost ? (
                  <span className="block text-xs font-semibold text-red-800">
                    {t(`highCost.${d.highCost}`)}
                  </span>
                ) : null}
                {d.range && !d.highCost ? (
                  <span className="block text-xs text-slate-700">{d.range}</span>
                ) : null}
              </td>
              <td>
                <CallSource ip={shown.ip} />
              </td>
              <td>{formatCallDuration(c.durationSec, locale)}</td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}

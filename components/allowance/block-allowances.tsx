import { Link } from '@/components/ui/link';
import { useTranslations } from 'next-intl';
import { getFormatter, getLocale, getMessages, getTranslations } from 'next-intl/server';
import type { Translate } from '@/lib/i18n/note';
import { pickMessages } from '@/lib/i18n/client-messages';
import { storedText } from '@/lib/i18n/stored';
import { AutoRefresh } from '@/components/auto-refresh';
import { KeptLines } from '@/components/ui/stored-text';
import { blockPageAllowances } from '@/lib/blocks/page-version';
import { countryAndCode } from '@/lib/phone/format';
import { ZONED } from '@/lib/time/format';
import { Countdown } from './countdown';
import { buttonClass } from '@/components/ui/button-class';

/** Where an allowance can be asked for again, as AllowanceStatus words it. */
export type AskAgain = 'here' | 'elsewhere' | 'none';

/**
 * One allowance's state as the block page says it (allowance.status.*, the status as
 * allowancesForBlockPage gives it: true of the account now): `country` named, `until` and `endedAt`
 * already formatted. A denial gives its reason: an agent's words as they typed them, line breaks kept
 * (KeptLines), or a note Tollgate stored (a request a new block closed) in the reader's words
 * (lib/i18n/stored.ts). `ask`: where a request closed by an earlier lift can be asked again while a
 * block is in force (`closedBlocked`): `here` (this page offers "Allow one country for a while"),
 * `elsewhere` (the page of the account's other block in force), `none` (no page offers it now: the
 * block is being lifted). An end still waiting for the switch (`endingSince`) is said with the state:
 * one in force is still in force (at most until `until`) and being ended; one Tollgate ended (a new
 * block, a lift) is being removed from the switch, not "ended", until the switch confirms it; one
 * given up because the switch never confirmed it (`gaveUp`) is being removed from the switch too.
 * One of those whose removal the switch refused while still listing it (`stillOnSwitch`) is not
 * "ended" either: calls there may still go through until `until` (the switch's, as the caller
 * formatted it), or until the switch drops it when it did not say (`stillOnSwitch.until` null).
 * One that ended says why (`endReason` as stored, lib/allowances/operations.ts EndReason:
 * allowance.endCause, the words its `allowance_ended` mail uses: it ran out, support ended it early,
 * a new block was placed…; nothing for a reason it has no words for, or none given).
 * Server components only (reads the whole catalogue for such a note).
 */
export function AllowanceStatus({
  allowance: a,
  country,
  until,
  endedAt,
  ask = 'none',
}: {
  allowance: {
    status: string;
    hours: number;
    denial: string | null;
    endingSince?: Date | null;
    stillOnSwitch?: { until: Date | null } | null;
    endReason?: string | null;
  };
  country: string;
  until: string;
  endedAt: string;
  ask?: AskAgain;
}) {
  const t = useTranslations('allowance');
  const all = useTranslations() as unknown as Translate;
  const words = wordsOf(a);
  // Why it ended, said once it has (not while its removal waits for the switch, nor refused there).
  const cause = ENDED.has(words) ? t('endCause', { cause: a.endReason ?? '' }) : '';
  return (
    <>
      {t.rich(`status.${words as 'requested'}`, {
        country,
        hours: a.hours,
        until,
        at: endedAt,
        ask,
        listed: a.stillOnSwitch?.until ? 'yes' : 'no',
        note: () => <KeptLines text={storedText(all, a.denial, 'customer')} />,
      })}
      {cause ? ` ${cause}` : null}
    </>
  );
}

/** The statuses of an allowance Tollgate ended, blocked or not (allowancesForBlockPage). */
const ENDED = new Set(['ended', 'endedUnblocked', 'endedRenewed']);

/**
 * The allowance.status.* key for `a`: its status as allowancesForBlockPage gives it, but for one
 * whose end or removal still waits for the switch (`endingSince`): in force (`activeEnding`), ended by
 * Tollgate (`endedEnding`, being removed: never "ended" before the switch confirms it, blocked or
 * not) or given up unanswered (`gaveUpEnding`); and for one of the last two whose removal the switch
 * refused and may still have (`stillOnSwitch`): `endedRefused`, `gaveUpRefused`.
 */
function wordsOf(a: {
  status: string;
  endingSince?: Date | null;
  stillOnSwitch?: { until: Date | null } | null;
}): string {
  const ended = ENDED.has(a.status);
  if (a.stillOnSwitch && !a.endingSince) {
    if (ended) return 'endedRefused';
    if (a.status === 'gaveUp') return 'gaveUpRefused';
  }
  if (!a.endingSince) return a.status;
  if (a.status === 'active') return 'activeEnding';
  if (ended) return 'endedEnding';
  if (a.status === 'gaveUp') return 'gaveUpEnding';
  return a.status;
}

/**
 * The block page's "Allow one country for a while" section: the link to ask (while the block is in
 * force) and every allowance of the account with its state; one in force shows a countdown, unless
 * its end is waiting for the switch.
 */
export async function BlockAllowances({
  userId,
  block,
  watch,
}: {
  userId: string;
  block: {
    id: string;
    status: string;
    otherOpenBlockId: string | null;
    otherOpenBlockActive: boolean;
    account: { id: string; number: string };
  };
  /** The block page's watch (components/auto-refresh.tsx): its data includes these allowances. */
  watch?: { url: string; version: string };
}) {
  const t = await getTranslations('allowance');
  const locale = await getLocale();
  const format = await getFormatter();
  const at = (d: Date | null) => (d ? format.dateTime(d, ZONED) : '');
  // The account is blocked while this block or another of its blocks is open (accountBlocked); read
  // once with the page's watched data (lib/blocks/page-version.ts).
  const list = await blockPageAllowances(userId, block);
  if (block.status !== 'active' && list.length === 0) return null;
  const now = new Date().toISOString();
  // The countdown's words, formatted in the browser with their plurals (components/allowance/countdown.tsx):
  // the block page's provider sends `unblock` only.
  const countdownMessages = pickMessages(await getMessages(), ['allowance.countdown']);
  // One the switch may still have until a known time reads ended once that passes: watched too.
  const waiting = list.some(
    (a) => a.status === 'sending' || a.status === 'active' || a.endingSince || a.stillOnSwitch?.until,
  );
  // The link below is offered while this block is in force; while it is being lifted, only the
  // account's other block in force (if any) offers it.
  // Asked again where a form takes it: this block in force, else another in force (one only being
  // lifted takes no request either).
  const ask: AskAgain =
    block.status === 'active' ? 'here' : block.otherOpenBlockActive ? 'elsewhere' : 'none';
  return (
    <section aria-labelledby="allowances" className="flex flex-col gap-3">
      {waiting ? <AutoRefresh everyMs={5000} watch={watch} /> : null}
      <h2 id="allowances" className="text-xl font-semibold">
        {t('sectionTitle')}
      </h2>
      {list.length ? (
        <ul aria-labelledby="allowances" className="flex flex-col gap-2">
          {list.map((a) => {
            const country = countryAndCode(a.country, locale);
            return (
              <li
                key={a.id}
                className={`rounded-md border p-3 ${a.status === 'active' ? 'border-emerald-300 bg-emerald-50' : 'border-slate-200 bg-white'}`}
              >
                <p>
                  <AllowanceStatus
                    allowance={a}
                    country={country}
                    // The switch's `until` for one it refused to remove (stillOnSwitch).
                    until={at(a.stillOnSwitch ? a.stillOnSwitch.until : a.until)}
                    endedAt={at(a.endedAt)}
                    ask={ask}
                  />
                  {/* No countdown beside an end the switch has not confirmed: it may end any moment. */}
                  {a.status === 'active' && a.until && !a.endingSince ? (
                    <>
                      {' '}
                      <Countdown
                        until={a.until.toISOString()}
                        now={now}
                        locale={locale}
                        messages={countdownMessages}
                      />
                    </>
                  ) : null}
                </p>
              </li>
            );
          })}
        </ul>
      ) : null}
      {block.status === 'active' ? (
        <div>
          <Link href={`/blocks/${block.id}/allowance`} className={buttonClass('secondary', 'inline-block')}>
            {t('link')}
          </Link>
        </div>
      ) : null}
    </section>
  );
}

import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import type { BlockView } from '@/lib/blocks/queries';
import { intlTag } from '@/lib/i18n/locales';
import { countryName } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { ZONED } from '@/lib/time/format';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

/**
 * The block page's status lines, the first thing under its title (inside the page's live region):
 * where the block stands, and what that means for the reader's calls now, in words a person in a
 * panic reads (tester, 2026-12: neither the top nor the explanation said what still worked, or
 * whether the calls abroad could still cost money).
 *
 * In force (`active`, or `lift_pending`: in force until the switch confirms the lift): since when (the
 * earlier of the switch's time and the portal's record of it: shownPlacedAt, never ahead), or
 * that it is being lifted; then that calls within the account's country still work and calls abroad
 * are refused for now (block.stillWorks, the block notice's words too), so no new charges for them
 * can build up, unless an allowance may let calls to a country through (`allowancesMayPass`: one in
 * force, being sent, or not yet removed from the switch), which the sentence names instead. The same
 * for a lifted block while another block of the account is in force. Lifted: how it ended first
 * (block.ended: support agreed it was a misdial, every password changed, support's or the switch's
 * own lift), then, with no other block open, that calls abroad work again, or, while support's block
 * is on its way (`blockOnItsWay`), that they may already be blocked. `otherHref` links the account's
 * other open block (or the list of them, `#…`).
 */
export function BlockStatusLines({
  block,
  otherHref,
  allowancesMayPass,
}: {
  block: Pick<
    BlockView,
    | 'status'
    | 'placedAt'
    | 'createdAt'
    | 'liftedAt'
    | 'ended'
    | 'otherOpenBlockId'
    | 'otherOpenBlockCount'
    | 'blockOnItsWay'
    | 'account'
  >;
  otherHref: string;
  allowancesMayPass: boolean;
}) {
  const t = useTranslations('block');
  const td = useTranslations('dashboard');
  const format = useFormatter();
  const locale = useLocale();
  const at = (d: Date) => format.dateTime(d, ZONED);
  const stillWorks = (
    <p>
      {t('stillWorks', {
        country: countryName(accountCountry(block.account.country), intlTag(locale)),
        allowed: allowancesMayPass ? 'yes' : 'no',
      })}
    </p>
  );
  // How it ended, when the portal knows when (a lift the switch confirmed).
  const ended = block.liftedAt ? t('ended', { how: block.ended ?? 'unknown', at: at(block.liftedAt) }) : '';
  return (
    <>
      {block.status === 'active' ? (
        <p className="font-semibold text-red-900">{t('since', { at: at(shownPlacedAt(block)) })}</p>
      ) : null}
      {block.status !== 'lifted' && block.otherOpenBlockId ? (
        // The switch blocks the whole account: this block's steps alone do not bring calling back.
        // "Another block", linked (the one getBlockForUser names), or "12 other blocks", listed below.
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {t('alsoOpen', { count: block.otherOpenBlockCount })}{' '}
          <Link href={otherHref} className="underline">
            {t('alsoOpenLink', { count: block.otherOpenBlockCount })}
          </Link>
        </p>
      ) : null}
      {block.status === 'lift_pending' ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 font-semibold text-amber-950">
          {t('waiting')}
        </p>
      ) : null}
      {block.status !== 'lifted' ? stillWorks : null}
      {block.status === 'lifted' && block.liftedAt && block.otherOpenBlockId ? (
        <>
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
            {ended} {t('otherOpen', { count: block.otherOpenBlockCount })}{' '}
            <Link href={otherHref} className="underline">
              {t('otherOpenLink', { count: block.otherOpenBlockCount })}
            </Link>
          </p>
          {stillWorks}
        </>
      ) : null}
      {block.status === 'lifted' && block.liftedAt && !block.otherOpenBlockId ? (
        block.blockOnItsWay ? (
          // Support's block on its way may already be in force on the switch: not "allowed".
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
            {ended} {td('blocking')} {td('blockingMayBe')}
          </p>
        ) : (
          <p className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-950">
            <strong>{t('allowedNow')}</strong>. {t('callingBack')} {ended}
          </p>
        )
      ) : null}
    </>
  );
}

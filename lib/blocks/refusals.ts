import type { LiftRequested } from '@/lib/blocks/lifecycle';
import { catalogueLocale, formatTag } from '@/lib/i18n/locales';
import type { Note } from '@/lib/i18n/note';
import { formatWhen } from '@/lib/time/format';

/**
 * Who reads a refusal: their zone (IANA), language and accounts' country (lib/auth/session.ts
 * CurrentUser), and `formatTag`, the tag their pages format with (lib/i18n/request-locale.ts
 * requestFormatTag: the browser's region first; staff have no accounts, so without it an es-MX
 * agent read "14:02" in a refusal beside "2:02 p.m." on the page).
 */
export type RefusalReader = {
  timeZone: string;
  locale: string;
  accountCountry?: string | null;
  formatTag?: string;
};

/**
 * Why the lifecycle refused a lift, as a catalogue note (`outcome.lift.*`) for staff. The switch has
 * one international-calling state per account, so lifting any block allows calls for the whole
 * account: a lift may not undo a block nobody reviewed, nor one placed by support. Times in it are
 * written for `reader` (lib/time/format.ts formatWhen: their zone, with its offset).
 */
export function liftRefusal(res: Exclude<LiftRequested, { ok: true }>, reader: RefusalReader): Note {
  switch (res.kind) {
    case 'manual_block':
      return { key: 'outcome.lift.manualBlock' };
    case 'switch_busy':
      return { key: 'outcome.lift.switchBusy' };
    case 'not_active':
      return { key: 'outcome.lift.notActive' };
    case 'other_blocks':
      return {
        key: 'outcome.lift.otherBlocks',
        values: {
          count: res.blocks.length,
          blocks: res.blocks.map((b) => ({
            key: 'outcome.lift.otherBlock',
            values: {
              reason: { key: `staff.labels.reason.${b.reason}` },
              // On the reader's clock, as every time on their pages (was "2026-11-25 09:14 UTC").
              placed: formatWhen(b.placedAt, reader.timeZone, {
                locale:
                  reader.formatTag ?? formatTag(catalogueLocale(reader.locale), [reader.accountCountry]),
              }),
              calls: b.calls,
            },
          })),
        },
      };
  }
}

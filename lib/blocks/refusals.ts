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
 * The Outcome code of every refused lift: `conflict`. Each refusal means the account is not as the page
 * that offered the lift showed it: `not_active`, the block (or one ticked with it) was lifted or began
 * lifting meanwhile; `switch_busy`, a placement was queued since; `other_blocks`, a block is in force
 * that the page may not list yet (it came after the page was drawn); `manual_block`, support placed a
 * block since. A conflict draws the page again under the refusal (lib/switch/send-soon.ts
 * refreshesAccountPage, lib/requests/actions.ts), so the agent sees the account as it now is rather
 * than a "Lift block" form that can only be refused again.
 */
export const LIFT_REFUSAL_CODE = 'conflict' as const;

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

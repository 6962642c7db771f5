import type { LiftRequested } from '@/lib/blocks/lifecycle';
import type { Note } from '@/lib/i18n/note';

/** A moment as the staff console's refusals name it: `YYYY-MM-DD HH:mm UTC` (ISO 8601 digits, any language). */
const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Why the lifecycle refused a lift, as a catalogue note (`outcome.lift.*`) for staff. The switch has
 * one international-calling state per account, so lifting any block allows calls for the whole
 * account: a lift may not undo a block nobody reviewed, nor one placed by support.
 */
export function liftRefusal(res: Exclude<LiftRequested, { ok: true }>): Note {
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
              placed: utc(b.placedAt),
              calls: b.calls,
            },
          })),
        },
      };
  }
}

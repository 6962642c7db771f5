import 'server-only';
import type { LiftRequested } from '@/lib/blocks/lifecycle';

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * Staff-facing sentence for a lift the lifecycle refused. The switch has one international-calling
 * state per account, so lifting any block allows calls for the whole account: a lift may not undo a
 * block nobody reviewed, nor one placed by support.
 */
export function liftRefusalMessage(res: Exclude<LiftRequested, { ok: true }>, tail = ''): string {
  const end = tail ? ` ${tail}` : '';
  switch (res.kind) {
    case 'manual_block':
      return `A block placed by support is in force on this account. An approval never lifts it, and lifting another block would allow international calls for the whole account, so nothing was changed. Lift the manual block itself from the account page first.${end}`;
    case 'switch_busy':
      return `A block for this account is still waiting for the switch. Nothing was changed; try again once the switch has confirmed it.${end}`;
    case 'not_active':
      return `This block is already being lifted or was lifted. Nothing was changed.${end}`;
    case 'other_blocks':
      return `This account has ${res.blocks.length} other block(s) in force (${res.blocks.map((b) => `${b.reason.replaceAll('_', ' ')} placed ${day.format(b.placedAt)} UTC, ${b.calls} call(s)`).join('; ')}). A lift allows international calls for the whole account, so review each one and tick it to lift it too. Nothing was changed.${end}`;
  }
}

'use server';
import { notFound } from 'next/navigation';
import { after } from 'next/server';
import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/server/safe-action';
import { resolveSyncIssue, resolveSyncSchema } from '@/lib/blocks/sync-issues';
import {
  liftBlockByStaff,
  liftSchema,
  type ManualOutcome,
  placeManualBlock,
  placeSchema,
} from '@/lib/blocks/manual';
import { processSwitchOutbox } from '@/lib/switch/outbox';

function answer(r: ManualOutcome, sent: string) {
  if (!r.ok && r.kind === 'not_found') notFound();
  if (!r.ok) return { message: r.message };
  after(() => processSwitchOutbox().catch(() => undefined));
  revalidatePath('/staff/accounts/[number]', 'page');
  return { ok: true, message: sent };
}

export const placeBlockAction = staffAction(
  placeSchema,
  async (input, { user, meta }) =>
    answer(
      await placeManualBlock(user, input, meta),
      'Sent to the switch. The block is in force once the switch confirms it; this page shows when.',
    ),
  { echo: ['note'] },
);

export const liftBlockAction = staffAction(
  liftSchema,
  async (input, { user, meta }) =>
    answer(
      await liftBlockByStaff(user, input, meta),
      'Lift sent to the switch. International calling is allowed once the switch confirms it; this page shows when.',
    ),
  { echo: ['note', 'alsoLift[]'] },
);

export const resolveSyncAction = staffAction(
  resolveSyncSchema,
  async (input, { user, meta }) => {
    const done = await resolveSyncIssue(user, input.issueId, input.note, meta);
    if (!done)
      return {
        message:
          'This difference was already resolved by someone else, or no longer exists. Reload the page.',
      };
    revalidatePath('/staff');
    return { ok: true, message: 'Marked as resolved.' };
  },
  { echo: ['note'] },
);

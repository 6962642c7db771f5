'use server';
import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/server/safe-action';
import { resolveSyncIssue, resolveSyncSchema } from '@/lib/blocks/sync-issues';
import { liftBlockByStaff, liftSchema, placeManualBlock, placeSchema } from '@/lib/blocks/manual';
import { accountPageAction } from '@/lib/switch/send-soon';

// Staff actions on blocks: place and lift by hand, resolve a sync issue. The wrapper words each
// Outcome in the agent's language (not_found → 404).

export const placeBlockAction = accountPageAction(placeSchema, placeManualBlock, ['note']);

export const liftBlockAction = accountPageAction(liftSchema, liftBlockByStaff, ['note', 'alsoLift[]']);

export const resolveSyncAction = staffAction(
  resolveSyncSchema,
  async (input, { user, meta }) => {
    const r = await resolveSyncIssue(user, input, meta);
    if (r.ok) revalidatePath('/staff');
    return r;
  },
  { echo: ['note'] },
);

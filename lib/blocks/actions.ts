'use server';
import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/server/safe-action';
import { resolveSyncIssue, resolveSyncSchema } from '@/lib/blocks/sync-issues';
import { liftBlockByStaff, liftSchema, placeManualBlock, placeSchema } from '@/lib/blocks/manual';
import { queuedFromAccountPage } from '@/lib/switch/send-soon';

// Staff actions on blocks: place and lift by hand, resolve a sync issue. The wrapper words each
// Outcome in the agent's language (not_found → 404).

export const placeBlockAction = staffAction(
  placeSchema,
  async (input, { user, meta }) => queuedFromAccountPage(await placeManualBlock(user, input, meta)),
  { echo: ['note'] },
);

export const liftBlockAction = staffAction(
  liftSchema,
  async (input, { user, meta }) => queuedFromAccountPage(await liftBlockByStaff(user, input, meta)),
  { echo: ['note', 'alsoLift[]'] },
);

export const resolveSyncAction = staffAction(
  resolveSyncSchema,
  async (input, { user, meta }) => {
    const r = await resolveSyncIssue(user, input, meta);
    if (r.ok) revalidatePath('/staff');
    return r;
  },
  { echo: ['note'] },
);

'use server';
import { notFound } from 'next/navigation';
import { after } from 'next/server';
import { revalidatePath } from 'next/cache';
import { userAction } from '@/lib/actions/safe-action';
import { STAFF } from '@/lib/staff/authz';
import { liftBlockByStaff, liftSchema, type ManualOutcome, placeManualBlock, placeSchema } from '@/lib/staff/manual-blocks';
import { processSwitchOutbox } from '@/lib/switch/outbox';

function answer(r: ManualOutcome, sent: string) {
  if (!r.ok && r.kind === 'not_found') notFound();
  if (!r.ok) return { message: r.message };
  after(() => processSwitchOutbox().catch(() => undefined));
  revalidatePath('/staff/accounts/[number]', 'page');
  return { ok: true, message: sent };
}

export const placeBlockAction = userAction(placeSchema, async (input, { user, meta }) =>
  answer(await placeManualBlock(user, input, meta), 'Sent to the switch. The block is in force once the switch confirms it; this page shows when.'), { roles: STAFF, echo: ['note'] });

export const liftBlockAction = userAction(liftSchema, async (input, { user, meta }) =>
  answer(await liftBlockByStaff(user, input, meta), 'Lift sent to the switch. International calling is allowed once the switch confirms it; this page shows when.'), { roles: STAFF, echo: ['note', 'alsoLift[]'] });

'use server';
import { revalidatePath } from 'next/cache';
import { userAction } from '@/lib/actions/safe-action';
import { resolveSyncIssue, resolveSyncSchema } from '@/lib/blocks/sync-issues';
import { STAFF } from '@/lib/staff/authz';

export const resolveSyncAction = userAction(resolveSyncSchema, async (input, { user, meta }) => {
  const done = await resolveSyncIssue(user, input.issueId, input.note, meta);
  if (!done) return { message: 'This difference was already resolved by someone else, or no longer exists. Reload the page.' };
  revalidatePath('/staff');
  return { ok: true, message: 'Marked as resolved.' };
}, { roles: STAFF, echo: ['note'] });

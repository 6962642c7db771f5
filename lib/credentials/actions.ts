'use server';
import { after } from 'next/server';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { userAction } from '@/lib/server/safe-action';
import { resetSipPassword } from '@/lib/credentials/reset';
import { processSwitchOutbox } from '@/lib/switch/outbox';

const schema = z.object({ credentialId: z.string().min(1).max(64), password: z.string().min(1, 'Enter or generate a password.').max(1024, 'Use at most 128 characters.') });

// The password goes to the switch and is forgotten: the returned state never contains it.
export const resetSipAction = userAction(schema, async (input, { user, meta }) => {
  const r = await resetSipPassword(user, input.credentialId, input.password, meta);
  if (!r.ok && r.kind === 'not_found') notFound();
  if (!r.ok) return r.kind === 'weak' ? { message: r.message, fieldErrors: { password: [r.message] } } : { message: r.message };
  // Send a queued lift right away rather than on the worker's next tick.
  if (r.liftQueued) after(() => processSwitchOutbox().catch(() => undefined));
  if (!r.recorded) {
    // The switch has it: show it (the browser still holds it) and say that recording it is under way.
    return { ok: true, message: 'Password updated on the switch. We are still recording the change here; this page and the emails will catch up shortly.', data: { liftQueued: false } };
  }
  return { ok: true, message: 'Password updated', data: { liftQueued: r.liftQueued } };
});

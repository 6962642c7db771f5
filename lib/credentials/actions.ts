'use server';
import { z } from 'zod';
import { userAction } from '@/lib/server/safe-action';
import { postedId } from '@/lib/server/form-issues';
import { replayReset, resetSipPassword } from '@/lib/credentials/reset';
import { succeed } from '@/lib/server/outcome';
import { sendSwitchOutboxSoon } from '@/lib/switch/send-soon';

const schema = z.object({
  credentialId: postedId,
  password: z.string().min(1, 'outcome.field.password').max(1024, 'outcome.field.passwordTooLong'),
});

// The password goes to the switch and is forgotten: the returned state never contains it. A resend of
// the same render (its answer lost) is answered from the first one's change (replayReset), without
// `data`: the form then shows no password.
export const resetSipAction = userAction(
  schema,
  async (input, { user, meta, once }) => {
    const r = await resetSipPassword(user, input.credentialId, input.password, meta, once);
    if (!r.ok) return r;
    const { recorded, liftQueued } = r.data!;
    // Send a queued lift right away rather than on the worker's next tick.
    if (liftQueued) sendSwitchOutboxSoon();
    // Not yet recorded: the switch has it; show it (the browser still holds it) and say recording is under way.
    return succeed({ liftQueued }, { key: recorded ? 'reset.updated' : 'outcome.reset.recording' });
  },
  { once: { action: 'sip.reset', secret: ['password'], replay: replayReset } },
);

'use server';
import { z } from 'zod';
import { userAction } from '@/lib/server/safe-action';
import { postedId } from '@/lib/server/form-issues';
import { replayReset, resetSipPassword } from '@/lib/credentials/reset';
import { currentUser } from '@/lib/auth/session';
import { SHOWN_BY, SHOWN_BY_FIELD } from '@/lib/credentials/shown-by';
import { succeed } from '@/lib/server/outcome';
import { sendSwitchOutboxSoon } from '@/lib/switch/send-soon';

const schema = z.object({
  credentialId: postedId,
  password: z.string().min(1, 'outcome.field.password').max(1024, 'outcome.field.passwordTooLong'),
  // Absent, or anything but the form's two values: the browser's way, no password in the answer.
  [SHOWN_BY_FIELD]: z.enum(SHOWN_BY).catch('browser'),
});

/**
 * The SIP password form's action: `{ credentialId, password, shownBy?, idempotencyKey }` posted by the
 * form (with or without the page's script: a plain FormData post is what it takes), answered as form
 * state. Success: `data.liftQueued` (every affected password is changed: a lift is on its way), and
 * `data.password`, the password just set, only when the form said the page shows it (`shownBy` `page`,
 * lib/credentials/shown-by.ts: a form sent without JavaScript, whose answer is the page that shows it
 * this once); otherwise the browser shows it from its own memory and the answer carries none. A
 * refusal (too weak, a character a SIP password may not hold, the switch's refusal or silence: see
 * lib/credentials/reset.ts ResetOutcome) never carries it: the field is not echoed. A resend of the
 * same render (its answer lost) is answered from the first one's change (replayReset), without `data`:
 * the form then shows no password; a change the switch answered by asking to wait is answered busy,
 * from the same time the first answer named, in the reader's zone and language (the session's
 * login, as the wrapper read it: React's cache gives the same one). The password is never stored, logged or put in a URL.
 */
export const resetSipAction = userAction(
  schema,
  async (input, { user, meta, once }) => {
    const r = await resetSipPassword(user, input.credentialId, input.password, meta, once);
    if (!r.ok) return r;
    const { recorded, liftQueued } = r.data!;
    // Send a queued lift right away rather than on the worker's next tick.
    if (liftQueued) sendSwitchOutboxSoon();
    const shown = input[SHOWN_BY_FIELD] === 'page' ? { password: input.password } : {};
    // Not yet recorded: the switch has it; show it and say recording is under way.
    return succeed<{ liftQueued: boolean; password?: string }>(
      { liftQueued, ...shown },
      { key: recorded ? 'reset.updated' : 'outcome.reset.recording' },
    );
  },
  // How the answer shows the password is not what the form asks for: a resend of the same render
  // after the page's script started (`browser`, where its first sending was `page`) is the same form.
  {
    once: {
      action: 'sip.reset',
      secret: ['password', SHOWN_BY_FIELD],
      replay: async (receipt, at) => replayReset(receipt, at, await currentUser()),
    },
  },
);

'use client';
import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/** The one "Continue" button of a sign-in link's page; the token travels in the POST body, never echoed back. */
export function ContinueLinkForm({
  action,
  token,
  proof,
  callbackUrl,
  label,
  pending,
}: {
  action: Action;
  token: string;
  proof: string;
  callbackUrl: string;
  label: string;
  pending: string;
}) {
  const [state, formAction] = useActionState(action, undefined);
  return (
    <form action={formAction} className="flex flex-col gap-4" aria-describedby="continue-message">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="proof" value={proof} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <SubmitButton pendingText={pending}>{label}</SubmitButton>
      <FormMessage id="continue-message" message={state?.message} />
    </form>
  );
}

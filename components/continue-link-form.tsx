'use client';
import { ActionForm, type FormAction } from '@/components/ui/action-form';

/**
 * The one "Continue" button of a sign-in link's page; the token travels in the POST body, never
 * echoed back. It carries the browser's time zone too (read on submit), so the first page after
 * sign-in is in the reader's clock.
 */
export function ContinueLinkForm({
  action,
  token,
  proof,
  callbackUrl,
  label,
  pending,
}: {
  action: FormAction;
  token: string;
  proof: string;
  callbackUrl: string;
  label: string;
  pending: string;
}) {
  return (
    <ActionForm
      action={action}
      hiddenFields={{ token, proof, callbackUrl }}
      sendTimeZone
      className="flex flex-col gap-4"
      aria-describedby="continue-message"
      messageId="continue-message"
      submit={label}
      pendingText={pending}
      buttonFirst
    />
  );
}

'use client';
import { useActionState } from 'react';
import { withdrawAction } from '@/lib/requests/actions';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';

/**
 * The block page's "Withdraw" button of a pending unblock request. `label` is worded on the server
 * (`unblock.withdraw`), so the block page renders no next-intl provider and loads no message formatter.
 */
export function WithdrawButton({
  requestId,
  blockId,
  label,
}: {
  requestId: string;
  blockId: string;
  label: string;
}) {
  const [state, action] = useActionState(withdrawAction, undefined);
  return (
    <form action={action} className="mt-2 flex flex-col gap-2">
      <input type="hidden" name="requestId" value={requestId} />
      <input type="hidden" name="blockId" value={blockId} />
      <FormMessage id={`withdraw-${requestId}`} message={state?.message} />
      <div>
        <SubmitButton variant="secondary">{label}</SubmitButton>
      </div>
    </form>
  );
}

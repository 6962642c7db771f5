'use client';
import { useActionState } from 'react';
import { resolveSyncAction } from '@/lib/blocks/actions';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';

/** Staff close an out-of-sync entry once they have checked the account with the switch team. */
export function ResolveSyncForm({ issueId }: { issueId: string }) {
  const [state, action] = useActionState(resolveSyncAction, undefined);
  const note = echoed(state, 'note');
  return (
    <form action={action} className="flex max-w-xl flex-col gap-2" noValidate>
      <input type="hidden" name="issueId" value={issueId} />
      <TextArea id={`sync-note-${issueId}`} name="note" label="Note" hint="What you checked and what you did. For support only." defaultValue={note} errors={state?.fieldErrors?.note} required />
      <FormMessage id={`sync-message-${issueId}`} message={state?.message} ok={state?.ok} />
      <div><SubmitButton pendingText="Saving…">Mark resolved</SubmitButton></div>
    </form>
  );
}

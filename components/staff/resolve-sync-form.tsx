'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { resolveSyncAction } from '@/lib/blocks/actions';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';

/** Staff close an out-of-sync entry once they have checked the account with the switch team. */
export function ResolveSyncForm({ issueId }: { issueId: string }) {
  const [state, action] = useActionState(resolveSyncAction, undefined);
  const t = useTranslations('staff.sync');
  const note = echoed(state, 'note');
  return (
    <form action={action} className="flex max-w-xl flex-col gap-2" noValidate>
      <input type="hidden" name="issueId" value={issueId} />
      <TextArea
        id={`sync-note-${issueId}`}
        name="note"
        label={t('note')}
        hint={t('noteHint')}
        defaultValue={note}
        errors={state?.fieldErrors?.note}
        required
      />
      <FormMessage id={`sync-message-${issueId}`} message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton pendingText={t('saving')}>{t('resolve')}</SubmitButton>
      </div>
    </form>
  );
}

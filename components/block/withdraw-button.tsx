'use client';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { withdrawAction } from '@/lib/requests/actions';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';

export function WithdrawButton({ requestId }: { requestId: string }) {
  const t = useTranslations('unblock');
  const [state, action] = useActionState(withdrawAction, undefined);
  return (
    <form action={action} className="mt-2 flex flex-col gap-2">
      <input type="hidden" name="requestId" value={requestId} />
      <FormMessage id={`withdraw-${requestId}`} message={state?.message} signIn={state?.signIn} />
      <div>
        <SubmitButton variant="secondary">{t('withdraw')}</SubmitButton>
      </div>
    </form>
  );
}

'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/actions/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

export function ChangePasswordForm({ action }: { action: Action }) {
  const t = useTranslations('profile');
  const [state, formAction] = useActionState(action, undefined);
  return (
    <form action={formAction} className="flex max-w-md flex-col gap-4" noValidate>
      <Field name="current" label={t('current')} type="password" autoComplete="current-password" required errors={state?.fieldErrors?.current} />
      <Field name="next" label={t('new')} type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters; a few unrelated words work well." errors={state?.fieldErrors?.next} />
      <FormMessage id="change-password-message" message={state?.message} ok={state?.ok} />
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}

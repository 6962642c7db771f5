'use client';
import { useActionState, useEffect, useRef } from 'react';
import { useTranslations } from 'next-intl';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/actions/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

export function SignInForm({ action, callbackUrl }: { action: Action; callbackUrl: string }) {
  const t = useTranslations('signIn');
  const [state, formAction] = useActionState(action, undefined);
  // The browser's time zone, so dates show in the user's own time (stored on sign-in).
  const tz = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (tz.current) tz.current.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }, []);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate aria-describedby="sign-in-message">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <input type="hidden" name="tz" ref={tz} />
      <Field name="email" label={t('email')} type="email" autoComplete="username" required defaultValue={state?.values?.email} errors={state?.fieldErrors?.email} />
      <Field name="password" label={t('password')} type="password" autoComplete="current-password" required errors={state?.fieldErrors?.password} />
      <FormMessage id="sign-in-message" message={state?.message} />
      <SubmitButton pendingText={t('submitting')}>{t('submit')}</SubmitButton>
    </form>
  );
}

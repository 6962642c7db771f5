'use client';
import { useActionState, useState } from 'react';
import { useTranslations } from 'next-intl';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { useStrength } from '@/components/sip/use-strength';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/** The portal password: the same estimator and rules as SIP passwords, checked again on the server. */
export function ChangePasswordForm({
  action,
  userInputs,
  minScore,
}: {
  action: Action;
  userInputs: string[];
  minScore: number;
}) {
  const t = useTranslations('profile');
  const [next, setNext] = useState('');
  const [state, formAction] = useActionState(async (prev: ActionState | undefined, form: FormData) => {
    const r = await action(prev, form);
    if (r.ok) setNext('');
    return r;
  }, undefined);
  const assessment = useStrength(next, { userInputs, username: '', rule: { minScore } });
  return (
    <form action={formAction} className="flex max-w-md flex-col gap-4" noValidate>
      <Field
        name="current"
        label={t('current')}
        type="password"
        autoComplete="current-password"
        required
        errors={state?.fieldErrors?.current}
      />
      <Field
        name="next"
        label={t('new')}
        type="password"
        autoComplete="new-password"
        required
        value={next}
        onChange={(e) => setNext(e.target.value)}
        hint={t('newHint')}
        errors={state?.fieldErrors?.next}
      />
      <StrengthMeter assessment={assessment} empty={!next} attack="portal" />
      <FormMessage id="change-password-message" message={state?.message} ok={state?.ok} />
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}

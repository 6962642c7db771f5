'use client';
import { useActionState } from 'react';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

type Codes = { recoveryCodes: string[] };
type Action = (prev: ActionState<Codes> | undefined, form: FormData) => Promise<ActionState<Codes>>;

/** "New recovery codes": confirmed with a current authenticator code; the new codes are shown once. */
export function NewRecoveryCodesForm({
  action,
  label,
  submit,
}: {
  action: Action;
  label: string;
  submit: string;
}) {
  const [state, formAction] = useActionState(action, undefined);
  if (state?.ok && state.data) {
    return <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes} />;
  }
  return (
    <form action={formAction} className="flex max-w-sm flex-col gap-4" noValidate>
      <Field
        name="code"
        id="recovery-code"
        label={label}
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        errors={state?.fieldErrors?.code}
      />
      <FormMessage id="recovery-message" message={state?.fieldErrors?.code ? undefined : state?.message} />
      <SubmitButton variant="secondary">{submit}</SubmitButton>
    </form>
  );
}

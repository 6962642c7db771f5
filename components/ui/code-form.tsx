'use client';
import { useActionState } from 'react';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/** "Authentication code" + "Verify": used to verify a session and to confirm enrolment. */
export function CodeForm({
  action,
  next,
  label,
  submit,
}: {
  action: Action;
  next: string;
  label: string;
  submit: string;
}) {
  const [state, formAction] = useActionState(action, undefined);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <Field
        name="code"
        label={label}
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        errors={state?.fieldErrors?.code}
      />
      <FormMessage id="code-message" message={state?.fieldErrors?.code ? undefined : state?.message} />
      <SubmitButton>{submit}</SubmitButton>
    </form>
  );
}

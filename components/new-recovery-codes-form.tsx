'use client';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import type { FormAction } from '@/components/ui/action-form';
import { CodeForm } from '@/components/ui/code-form';

/** "New recovery codes": confirmed with a current authenticator code; the new codes are shown once. */
export function NewRecoveryCodesForm({
  action,
  label,
  submit,
}: {
  action: FormAction<{ recoveryCodes: string[] }>;
  label: string;
  submit: string;
}) {
  return (
    <CodeForm
      action={action}
      label={label}
      submit={submit}
      id="recovery-code"
      messageId="recovery-message"
      className="flex max-w-sm flex-col gap-4"
      variant="secondary"
      done={(state) => <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes} />}
    />
  );
}

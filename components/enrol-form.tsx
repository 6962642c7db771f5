'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (
  prev: ActionState<{ recoveryCodes: string[] }> | undefined,
  form: FormData,
) => Promise<ActionState<{ recoveryCodes: string[] }>>;

export function EnrolForm({ action, next }: { action: Action; next: string }) {
  const [state, formAction] = useActionState(action, undefined);
  const t = useTranslations('mfa');
  if (state?.ok && state.data) {
    return (
      <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes}>
        <Link href={next} className="self-start rounded-md bg-blue-800 px-4 py-2 font-semibold text-white">
          {t('setup.continue')}
        </Link>
      </RecoveryCodeList>
    );
  }
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <Field
        name="code"
        label={t('code')}
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        errors={state?.fieldErrors?.code}
      />
      <FormMessage id="enrol-message" message={state?.fieldErrors?.code ? undefined : state?.message} />
      <SubmitButton>{t('verify')}</SubmitButton>
    </form>
  );
}

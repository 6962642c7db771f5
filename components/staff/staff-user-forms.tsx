'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { changeRoleAction, createStaffAction, setDisabledAction } from '@/lib/staff/actions';
import { Field } from '@/components/ui/field';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';

const select = 'rounded-md border border-slate-400 px-3 py-2';

export function CreateStaffForm() {
  const [state, action] = useActionState(createStaffAction, undefined);
  const t = useTranslations('staff.users');
  const v = (k: string) => (state?.ok ? undefined : echoed(state, k));
  const initial = (state?.data as { initialPassword?: string } | undefined)?.initialPassword;
  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <Field
        name="email"
        label={t('email')}
        type="email"
        autoComplete="off"
        defaultValue={v('email')}
        errors={state?.fieldErrors?.email}
        required
      />
      <Field
        name="name"
        label={t('name')}
        autoComplete="off"
        defaultValue={v('name')}
        errors={state?.fieldErrors?.name}
        required
      />
      <div className="flex flex-col gap-1">
        <label htmlFor="new-role" className="font-medium">
          {t('roleLabel')}
        </label>
        <select id="new-role" name="role" defaultValue={v('role') ?? 'agent'} className={select}>
          <option value="agent">{t('role.agent')}</option>
          <option value="admin">{t('role.admin')}</option>
        </select>
      </div>
      <FormMessage id="create-message" message={state?.message} ok={state?.ok} />
      {initial ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3">
          {t('initial')}{' '}
          <code data-testid="initial-password" className="font-mono">
            {initial}
          </code>
        </p>
      ) : null}
      <div>
        <SubmitButton pendingText={t('creating')}>{t('createButton')}</SubmitButton>
      </div>
    </form>
  );
}

export function RoleForm({
  userId,
  email,
  role,
}: {
  userId: string;
  email: string;
  role: 'customer' | 'agent' | 'admin';
}) {
  const [state, action] = useActionState(changeRoleAction, undefined);
  const t = useTranslations('staff.users');
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-col gap-1">
        <label htmlFor={`role-${userId}`} className="text-sm font-medium">
          {t('roleOf', { email })}
        </label>
        <select id={`role-${userId}`} name="role" defaultValue={role} className={select}>
          <option value="agent">{t('role.agent')}</option>
          <option value="admin">{t('role.admin')}</option>
        </select>
      </div>
      <SubmitButton variant="secondary" aria-label={t('changeRoleOf', { email })}>
        {t('changeRole')}
      </SubmitButton>
      <FormMessage id={`role-message-${userId}`} message={state?.message} ok={state?.ok} />
    </form>
  );
}

export function DisableForm({
  userId,
  email,
  disabled,
}: {
  userId: string;
  email: string;
  disabled: boolean;
}) {
  const [state, action] = useActionState(setDisabledAction, undefined);
  const t = useTranslations('staff.users');
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
      <SubmitButton
        variant={disabled ? 'secondary' : 'danger'}
        aria-label={t(disabled ? 'enableWho' : 'disableWho', { email })}
      >
        {disabled ? t('enable') : t('disable')}
      </SubmitButton>
      <FormMessage id={`disable-message-${userId}`} message={state?.message} ok={state?.ok} />
    </form>
  );
}

'use client';
import { useTranslations } from 'next-intl';
import {
  changeRoleAction,
  createStaffAction,
  resetFactorAction,
  setDisabledAction,
} from '@/lib/staff/actions';
import { ActionForm } from '@/components/ui/action-form';
import { Field } from '@/components/ui/field';

function RoleOptions() {
  const t = useTranslations('staff.users');
  return (
    <>
      <option value="agent">{t('role.agent')}</option>
      <option value="admin">{t('role.admin')}</option>
    </>
  );
}

/** A new staff login; `idempotencyKey` (this render's) makes a resend say it was created, not "exists". */
export function CreateStaffForm({ idempotencyKey }: { idempotencyKey: string }) {
  const t = useTranslations('staff.users');
  return (
    <ActionForm
      action={createStaffAction}
      idempotencyKey={idempotencyKey}
      className="flex max-w-xl flex-col gap-4"
      messageId="create-message"
      submit={t('createButton')}
      pendingText={t('creating')}
    >
      {({ state, field }) => {
        const initial = (state?.data as { initialPassword?: string } | undefined)?.initialPassword;
        return (
          <>
            <Field label={t('email')} type="email" autoComplete="off" {...field('email')} required />
            <Field label={t('name')} autoComplete="off" {...field('name')} required />
            <Field
              as="select"
              id="new-role"
              label={t('roleLabel')}
              {...field('role')}
              defaultValue={field('role').defaultValue ?? 'agent'}
            >
              <RoleOptions />
            </Field>
            {initial ? (
              <p className="rounded-md border border-amber-300 bg-amber-50 p-3">
                {t('initial')}{' '}
                <code data-testid="initial-password" className="font-mono">
                  {initial}
                </code>
              </p>
            ) : null}
          </>
        );
      }}
    </ActionForm>
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
  const t = useTranslations('staff.users');
  return (
    <ActionForm
      action={changeRoleAction}
      hiddenFields={{ userId }}
      className="flex flex-wrap items-end gap-2"
      messageId={`role-message-${userId}`}
      submit={t('changeRole')}
      submitName={t('changeRoleOf', { email })}
      variant="secondary"
      buttonFirst
    >
      {() => (
        <Field
          as="select"
          id={`role-${userId}`}
          name="role"
          label={t('roleOf', { email })}
          defaultValue={role}
        >
          <RoleOptions />
        </Field>
      )}
    </ActionForm>
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
  const t = useTranslations('staff.users');
  return (
    <ActionForm
      action={setDisabledAction}
      hiddenFields={{ userId, disabled: disabled ? 'false' : 'true' }}
      className="flex flex-wrap items-center gap-2"
      messageId={`disable-message-${userId}`}
      submit={disabled ? t('enable') : t('disable')}
      submitName={t(disabled ? 'enableWho' : 'disableWho', { email })}
      variant={disabled ? 'secondary' : 'danger'}
      buttonFirst
    />
  );
}

/**
 * Resets the second factor of a login that lost it (lib/staff/users.ts resetStaffSecondFactor): the
 * new first password it answers with is shown here once, beside the message. A resend with this
 * render's `idempotencyKey` is told it was reset, and makes no second password.
 */
export function ResetFactorForm({
  userId,
  email,
  idempotencyKey,
}: {
  userId: string;
  email: string;
  idempotencyKey: string;
}) {
  const t = useTranslations('staff.users');
  return (
    <ActionForm
      action={resetFactorAction}
      hiddenFields={{ userId }}
      idempotencyKey={idempotencyKey}
      className="flex flex-wrap items-center gap-2"
      messageId={`reset-message-${userId}`}
      submit={t('resetFactor')}
      submitName={t('resetFactorWho', { email })}
      pendingText={t('resetting')}
      variant="secondary"
      buttonFirst
    >
      {({ state }) => {
        const password = (state?.data as { initialPassword?: string } | undefined)?.initialPassword;
        return password ? (
          <p className="basis-full rounded-md border border-amber-300 bg-amber-50 p-3">
            {t('newPassword', { email })}{' '}
            <code data-testid={`reset-password-${userId}`} className="font-mono">
              {password}
            </code>
          </p>
        ) : null;
      }}
    </ActionForm>
  );
}

'use client';
import { useTranslations } from 'next-intl';
import {
  changeRoleAction,
  createStaffAction,
  resetFactorAction,
  setDisabledAction,
} from '@/lib/staff/actions';
import { ClearPasswordField } from '@/components/staff/clear-password-field';
import { ActionForm, type FormKit } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
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

/**
 * The reason a change to another staff login asks for (lib/staff/users.ts: 5 to 500 characters, for
 * the audit log), with a hint of its own, worded for a staff login (a team lead's request, a ticket),
 * not the customer-login forms' (the customer's call): `id` unique per login and form, `label` naming
 * the change and the login.
 */
function ReasonField({ id, label, field }: { id: string; label: string; field: FormKit['field'] }) {
  const t = useTranslations('staff.users');
  return (
    <Field
      id={id}
      label={label}
      hint={t('reasonHint')}
      maxLength={500}
      autoComplete="off"
      {...field('reason')}
      required
    />
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

/** Another staff login's role, with the required reason; the list's role after a change, the typed one after a refusal. */
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
      className="flex max-w-xl flex-col gap-2"
      messageId={`role-message-${userId}`}
      submit={t('changeRole')}
      submitName={t('changeRoleOf', { email })}
      variant="secondary"
    >
      {({ field, state }) => (
        <>
          <Field
            as="select"
            id={`role-${userId}`}
            name="role"
            label={t('roleOf', { email })}
            defaultValue={(state?.ok ? undefined : echoed(state, 'role')) ?? role}
          >
            <RoleOptions />
          </Field>
          <ReasonField id={`role-reason-${userId}`} label={t('roleReason', { email })} field={field} />
        </>
      )}
    </ActionForm>
  );
}

/**
 * Disables another staff login, or enables it again, with the required reason. Enabling offers "Also
 * remove the portal password", ticked at first (lib/staff/users.ts disableSchema `clearPassword`, as
 * the customer login's "Enable login" does); after a refusal, as it was sent.
 */
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
  const tl = useTranslations('staff.logins');
  const id = `${disabled ? 'enable' : 'disable'}-${userId}`;
  return (
    <ActionForm
      action={setDisabledAction}
      hiddenFields={{ userId, disabled: disabled ? 'false' : 'true' }}
      className="flex max-w-xl flex-col gap-2"
      messageId={`disable-message-${userId}`}
      submit={disabled ? t('enable') : t('disable')}
      submitName={t(disabled ? 'enableWho' : 'disableWho', { email })}
      variant={disabled ? 'secondary' : 'danger'}
    >
      {({ field, state }) => (
        <>
          <ReasonField
            id={`${id}-reason`}
            label={tl(disabled ? 'enableReason' : 'disableReason', { email })}
            field={field}
          />
          {disabled ? (
            <ClearPasswordField
              id={id}
              state={state}
              label={tl('clearPassword', { email })}
              hint={t('clearPasswordHint')}
            />
          ) : null}
        </>
      )}
    </ActionForm>
  );
}

/**
 * Resets the second factor of a login that lost it (lib/staff/users.ts resetStaffSecondFactor), with
 * the required reason: the new first password it answers with is shown here once, beside the message.
 * A resend with this render's `idempotencyKey` is told it was reset, and makes no second password.
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
      className="flex max-w-xl flex-col gap-2"
      messageId={`reset-message-${userId}`}
      submit={t('resetFactor')}
      submitName={t('resetFactorWho', { email })}
      pendingText={t('resetting')}
      variant="secondary"
    >
      {({ state, field }) => {
        const password = (state?.data as { initialPassword?: string } | undefined)?.initialPassword;
        return (
          <>
            <ReasonField id={`reset-reason-${userId}`} label={t('resetReason', { email })} field={field} />
            {password ? (
              <p className="rounded-md border border-amber-300 bg-amber-50 p-3">
                {t('newPassword', { email })}{' '}
                <code data-testid={`reset-password-${userId}`} className="font-mono">
                  {password}
                </code>
              </p>
            ) : null}
          </>
        );
      }}
    </ActionForm>
  );
}

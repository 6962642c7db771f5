'use client';
import { useState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import {
  changeRoleAction,
  createStaffAction,
  resetFactorAction,
  setDisabledAction,
} from '@/lib/staff/actions';
import { ClearPasswordField } from '@/components/staff/clear-password-field';
import { CopyButton } from '@/components/sip/copy-button';
import { ActionForm, type FormKit } from '@/components/ui/action-form';
import { buttonClass } from '@/components/ui/button-class';
import { echoed } from '@/components/ui/echoed';
import { Field } from '@/components/ui/field';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';

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

/**
 * A first password, shown once in place of the form that made it (a new login, a reset second
 * factor), as the SIP password reset shows its new password: the action's message ("… can now sign
 * in … Give them this first password over a separate channel") takes the keyboard focus, so a screen
 * reader reads it and the next Tab reaches the password and its Copy button, rather than the focus
 * staying on a button that is gone and the password going unheard (accessibility test, finding 5).
 * The password follows in its own element after its label (`label`, "First password (shown once):"),
 * with a Copy button named for it (staff.users.copyPassword; hidden without JavaScript, where it
 * cannot copy, and the text is selected by hand). `testId` names the password's element for the e2e
 * specs; `children` follow (another login's form).
 */
function FirstPassword({
  message,
  label,
  password,
  testId,
  children,
}: {
  message?: string;
  label: string;
  password: string;
  testId: string;
  children?: ReactNode;
}) {
  const t = useTranslations('staff.users');
  return (
    <div
      className="flex max-w-xl flex-col gap-3 rounded-md border border-amber-300 bg-amber-50 p-4"
      role="status"
    >
      <FocusOnArrival look="answer">{message ?? label}</FocusOnArrival>
      <p className="flex flex-wrap items-center gap-2">
        <span>{label}</span>
        <code
          id={`${testId}-value`}
          data-testid={testId}
          className="rounded bg-white px-2 py-1 font-mono text-lg break-all"
        >
          {password}
        </code>
        {/* A refused copy (an in-app browser, a denied permission) says so and selects the password. */}
        <CopyButton
          text={password}
          copy={t('copyPassword')}
          copied={t('copied')}
          failed={t('copyFailed')}
          selects={`${testId}-value`}
        />
      </p>
      {children}
    </div>
  );
}

/**
 * A new staff login; `idempotencyKey` (this render's) makes a resend say it was created, not "exists".
 * Once created, its first password replaces the form (FirstPassword), and "Add another staff login"
 * brings back an empty form, with the key of the page as the creation re-rendered it.
 */
export function CreateStaffForm({ idempotencyKey }: { idempotencyKey: string }) {
  const t = useTranslations('staff.users');
  // Each new form is a new ActionForm, with no answer yet.
  const [round, setRound] = useState(0);
  return (
    <ActionForm
      key={round}
      action={createStaffAction}
      idempotencyKey={idempotencyKey}
      className="flex max-w-xl flex-col gap-4"
      messageId="create-message"
      submit={t('createButton')}
      pendingText={t('creating')}
      done={(state) =>
        state.data?.initialPassword ? (
          <FirstPassword
            message={state.message}
            label={t('initial')}
            password={state.data.initialPassword}
            testId="initial-password"
          >
            <button
              type="button"
              onClick={() => setRound(round + 1)}
              className={buttonClass('secondary', 'self-start noscript:hidden')}
            >
              {t('createAnother')}
            </button>
          </FirstPassword>
        ) : null
      }
    >
      {({ field }) => (
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
        </>
      )}
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
 * the required reason: the new first password it answers with is shown once, in place of the form
 * (FirstPassword), under the message, which takes the focus. A resend with this render's
 * `idempotencyKey` is told it was reset, and makes no second password.
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
      done={(state) =>
        state.data?.initialPassword ? (
          <FirstPassword
            message={state.message}
            label={t('newPassword', { email })}
            password={state.data.initialPassword}
            testId={`reset-password-${userId}`}
          />
        ) : null
      }
    >
      {({ field }) => (
        <ReasonField id={`reset-reason-${userId}`} label={t('resetReason', { email })} field={field} />
      )}
    </ActionForm>
  );
}

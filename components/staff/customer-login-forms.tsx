'use client';
import { useTranslations } from 'next-intl';
import { ClearPasswordField } from '@/components/staff/clear-password-field';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { Field } from '@/components/ui/field';
import {
  disableCustomerAction,
  enableCustomerAction,
  signOutCustomerAction,
} from '@/lib/staff/customer-login-actions';

type Kind = 'signOut' | 'disable' | 'enable';

const ACTIONS: Record<Kind, FormAction<undefined>> = {
  signOut: signOutCustomerAction,
  disable: disableCustomerAction,
  enable: enableCustomerAction,
};

/**
 * One change to a customer's portal login from the account page (lib/staff/customer-logins.ts): what
 * it does (`${kind}Hint`), the required reason, the button and the aria-live message. `idempotencyKey`
 * (this render's) makes a resend of a lost answer say it was done. Ids are unique per login and kind.
 * "Enable" also has "Also remove the portal password", ticked at first (enableCustomerLoginSchema).
 */
export function CustomerLoginForm({
  kind,
  accountNumber,
  userId,
  email,
  idempotencyKey,
}: {
  kind: Kind;
  accountNumber: string;
  userId: string;
  email: string;
  idempotencyKey: string;
}) {
  const t = useTranslations('staff.logins');
  const id = `login-${kind}-${userId}`;
  return (
    <ActionForm
      action={ACTIONS[kind]}
      hiddenFields={{ accountNumber, userId }}
      idempotencyKey={idempotencyKey}
      className="flex max-w-xl flex-col gap-2"
      messageId={`${id}-message`}
      submit={t(kind)}
      submitName={t(`${kind}Who`, { email })}
      pendingText={t('saving')}
      variant={kind === 'enable' ? 'secondary' : 'danger'}
      submitDescribedBy={`${id}-about`}
    >
      {({ field, state }) => (
        <>
          <p id={`${id}-about`} className="text-sm text-slate-700">
            {t(`${kind}Hint`)}
          </p>
          <Field
            id={`${id}-reason`}
            label={t(`${kind}Reason`, { email })}
            hint={t('reasonHint')}
            maxLength={500}
            autoComplete="off"
            {...field('reason')}
            required
          />
          {kind === 'enable' ? (
            <ClearPasswordField
              id={id}
              state={state}
              label={t('clearPassword', { email })}
              hint={t('clearPasswordHint')}
            />
          ) : null}
        </>
      )}
    </ActionForm>
  );
}

'use client';
import { normalizedPassword } from '@/lib/passwords/normalize';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { useStrength } from '@/components/sip/use-strength';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { CurrentPasswordField, Field } from '@/components/ui/field';
import type { Translate } from '@/lib/i18n/note';
import type { ActionState } from '@/lib/server/safe-action';

/**
 * The portal password: the same estimator and rules as SIP passwords, checked again on the server.
 * `hasPassword` false (support removed it): no current password is asked for but the code "Email me
 * a code" mailed (beside the form, EnrolProofForm), and the button says "Set password".
 */
export function ChangePasswordForm({
  action,
  userInputs,
  minScore,
  idempotencyKey,
  hasPassword = true,
}: {
  action: FormAction;
  userInputs: string[];
  minScore: number;
  /** This render's idempotency key: a resend is told the password was already changed. */
  idempotencyKey: string;
  hasPassword?: boolean;
}) {
  const t = useTranslations('profile');
  const tMfa = useTranslations('mfa');
  const tAll = useTranslations() as unknown as Translate;
  const meterWords = {
    name: tAll('password.meter.name'),
    empty: tAll('password.meter.empty'),
    checking: tAll('password.meter.checking'),
  };
  const [next, setNext] = useState('');
  // The field took the focus: load the meter's worker and words before the first keystroke.
  const [engaged, setEngaged] = useState(false);
  // Judged as the server judges and stores it (NFC: a pasted decomposed "ñ" is one character there).
  const assessment = useStrength(
    normalizedPassword(next),
    { userInputs, username: '', rule: { minScore } },
    engaged,
  );
  return (
    <ActionForm
      action={async (prev: ActionState | undefined, form: FormData) => {
        const r = await action(prev, form);
        if (r.ok) setNext('');
        return r;
      }}
      className="flex max-w-md flex-col gap-4"
      messageId="change-password-message"
      hiddenFields={hasPassword ? undefined : { choosing: '1' }}
      // A refused mailed code is said at its field; the message region would only repeat it.
      messageOf={(s) => (s?.message && s.fieldErrors?.mailCode?.includes(s.message) ? undefined : s?.message)}
      idempotencyKey={idempotencyKey}
      submit={hasPassword ? t('submit') : t('chooseSubmit')}
      wide
    >
      {({ state }) => (
        <>
          {hasPassword ? (
            <CurrentPasswordField name="current" label={t('current')} errors={state?.fieldErrors?.current} />
          ) : (
            // The code "Email me a code" sent (lib/auth/mfa/enrol-proof.ts, purpose password).
            <Field
              name="mailCode"
              label={tMfa('setup.mailCode')}
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              defaultValue={state?.ok ? undefined : echoed(state, 'mailCode')}
              errors={state?.fieldErrors?.mailCode}
            />
          )}
          <Field
            name="next"
            label={t('new')}
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
            onFocus={() => setEngaged(true)}
            hint={t('newHint')}
            errors={state?.fieldErrors?.next}
          />
          <StrengthMeter assessment={assessment} empty={!next} attack="portal" words={meterWords} t={tAll} />
        </>
      )}
    </ActionForm>
  );
}

'use client';
import { normalizedPassword } from '@/lib/passwords/normalize';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { useStrength } from '@/components/sip/use-strength';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { CurrentPasswordField, Field } from '@/components/ui/field';
import { noteText, type Translate } from '@/lib/i18n/note';
import { MIN_LENGTH } from '@/lib/passwords/rules';
import { levelLabel } from '@/lib/passwords/words';

/**
 * The portal password: the same estimator and rules as SIP passwords, checked again on the server.
 * `hasPassword` false (support removed it): no current password is asked for but the code "Email me
 * a code" mailed (beside the form, EnrolProofForm), and the button says "Set password".
 * The form's action is `action` itself (ActionForm), so it posts without JavaScript too, and the
 * answer is the page: the server judges the new password (lib/auth/change-password.ts), and no
 * password comes back in it. The meter runs in the browser only: without JavaScript it is hidden and
 * a note says the server checks the password's strength instead (profile.noScript).
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
      action={action}
      // The new password leaves the field once it is the login's (a refusal keeps it, to correct).
      onAnswer={(_stays, state) => {
        if (state?.ok) setNext('');
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
            // What the server's rule asks, from the rule: the length, and the meter level it must reach.
            hint={t('newHint', {
              min: MIN_LENGTH,
              level: noteText(tAll, levelLabel(Math.min(4, Math.max(0, minScore)))),
            })}
            errors={state?.fieldErrors?.next}
          />
          {/* The meter needs the page's script; without it the server's check is what there is. */}
          <div className="noscript:hidden">
            <StrengthMeter
              assessment={assessment}
              empty={!next}
              attack="portal"
              words={meterWords}
              t={tAll}
            />
          </div>
          <p className="hidden text-sm text-slate-700 noscript:block">{t('noScript')}</p>
        </>
      )}
    </ActionForm>
  );
}

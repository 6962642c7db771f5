'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';
import {
  approveAllowanceAction,
  denyAllowanceAction,
  endAllowanceAction,
  grantAllowanceAction,
} from '@/lib/allowances/actions';
import type { ActionState } from '@/lib/server/safe-action';

const value = (state: ActionState | undefined, k: string) =>
  typeof state?.values?.[k] === 'string' ? (state.values[k] as string) : undefined;

/** Approve a requested allowance after the callback (same attestation as a misdial), or deny it. */
export function AllowanceDecisionForms({ allowanceId, label }: { allowanceId: string; label: string }) {
  const [approved, approve] = useActionState(approveAllowanceAction, undefined);
  const t = useTranslations('staff.allowances');
  const [denied, deny] = useActionState(denyAllowanceAction, undefined);
  const p = `al-${allowanceId}`;
  const attestError = approved?.fieldErrors?.attest;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <form
        action={approve}
        aria-label={t('approveForm', { label })}
        className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4"
        noValidate
      >
        <input type="hidden" name="allowanceId" value={allowanceId} />
        <div>
          <label className="flex items-start gap-2">
            <input
              type="checkbox"
              name="attest"
              className="mt-1 h-5 w-5"
              aria-invalid={attestError ? true : undefined}
              aria-describedby={attestError ? `${p}-attest-error` : undefined}
            />
            <span>{t('attest')}</span>
          </label>
          {attestError ? (
            <p id={`${p}-attest-error`} className="text-sm text-red-800">
              {attestError.join(' ')}
            </p>
          ) : null}
        </div>
        <TextArea
          id={`${p}-note`}
          name="note"
          label={t('note')}
          hint={t('noteHint')}
          defaultValue={value(approved, 'note')}
          errors={approved?.fieldErrors?.note}
          required
        />
        <FormMessage id={`${p}-approve-message`} message={approved?.message} ok={approved?.ok} />
        <div>
          <SubmitButton pendingText={t('approving')}>{t('approve')}</SubmitButton>
        </div>
      </form>
      <form
        action={deny}
        aria-label={t('denyForm', { label })}
        className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4"
        noValidate
      >
        <input type="hidden" name="allowanceId" value={allowanceId} />
        <TextArea
          id={`${p}-deny`}
          name="note"
          label={t('denyReason')}
          hint={t('denyHint')}
          defaultValue={value(denied, 'note')}
          errors={denied?.fieldErrors?.note}
          required
        />
        <FormMessage id={`${p}-deny-message`} message={denied?.message} ok={denied?.ok} />
        <div>
          <SubmitButton variant="danger" pendingText={t('denying')}>
            {t('deny')}
          </SubmitButton>
        </div>
      </form>
    </div>
  );
}

/** End an allowance in force before its time (a DELETE through the switch outbox). */
export function EndAllowanceForm({ allowanceId, label }: { allowanceId: string; label: string }) {
  const [state, action] = useActionState(endAllowanceAction, undefined);
  const t = useTranslations('staff.allowances');
  return (
    <form action={action} aria-label={t('endForm', { label })} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="allowanceId" value={allowanceId} />
      <SubmitButton variant="secondary" pendingText={t('ending')}>
        {t('end')}
      </SubmitButton>
      <FormMessage id={`al-${allowanceId}-end-message`} message={state?.message} ok={state?.ok} />
    </form>
  );
}

/** Support grants an allowance directly (no customer request). */
export function GrantAllowanceForm({
  accountNumber,
  countries,
}: {
  accountNumber: string;
  countries: { code: string; name: string }[];
}) {
  const [state, action] = useActionState(grantAllowanceAction, undefined);
  const t = useTranslations('staff.allowances');
  const countryErr = state?.fieldErrors?.country;
  return (
    <form
      action={action}
      aria-labelledby="grant-title"
      className="flex max-w-xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4"
      noValidate
    >
      <h3 id="grant-title" className="text-lg font-semibold">
        {t('grantTitle')}
      </h3>
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <div className="flex flex-col gap-1">
        <label htmlFor="grant-country" className="font-medium">
          {t('country')}
        </label>
        <select
          id="grant-country"
          name="country"
          key={value(state, 'country')}
          defaultValue={value(state, 'country') ?? ''}
          aria-invalid={countryErr ? true : undefined}
          aria-describedby={countryErr ? 'grant-country-error' : undefined}
          className="rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-invalid:border-red-600"
        >
          <option value="">{t('choose')}</option>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} ({c.code})
            </option>
          ))}
        </select>
        {countryErr ? (
          <p id="grant-country-error" className="text-sm text-red-800">
            {countryErr.join(' ')}
          </p>
        ) : null}
      </div>
      <Field
        id="grant-hours"
        name="hours"
        label={t('hours')}
        type="number"
        min={1}
        max={72}
        step={1}
        hint={t('hoursHint')}
        defaultValue={value(state, 'hours')}
        errors={state?.fieldErrors?.hours}
        required
      />
      <TextArea
        id="grant-reason"
        name="reason"
        label={t('why')}
        hint={t('whyHint')}
        defaultValue={value(state, 'reason')}
        errors={state?.fieldErrors?.reason}
        required
      />
      <FormMessage id="grant-message" message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton pendingText={t('granting')}>{t('grant')}</SubmitButton>
      </div>
    </form>
  );
}

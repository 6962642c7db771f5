'use client';
import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { Checkbox, Field } from '@/components/ui/field';
import {
  approveAllowanceAction,
  denyAllowanceAction,
  endAllowanceAction,
  grantAllowanceAction,
} from '@/lib/allowances/actions';
import { CountryField } from './country-field';

const card = 'flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4';

/**
 * Approve a requested allowance after the callback (same attestation as a misdial), or deny it.
 * `closed`: no longer requested; nothing is offered, and a refusal just given (someone decided
 * first) or the answer to a decision just made stays in its live region (ActionForm `closed`).
 */
export function AllowanceDecisionForms({
  allowanceId,
  label,
  closed = false,
}: {
  allowanceId: string;
  label: string;
  closed?: boolean;
}) {
  const t = useTranslations('staff.allowances');
  const p = `al-${allowanceId}`;
  return (
    <div className={closed ? 'contents' : 'grid gap-4 md:grid-cols-2'}>
      <ActionForm
        action={approveAllowanceAction}
        hiddenFields={{ allowanceId }}
        aria-label={t('approveForm', { label })}
        className={card}
        messageId={`${p}-approve-message`}
        closed={closed}
        submit={t('approve')}
        pendingText={t('approving')}
      >
        {({ state, field }) => (
          <>
            <Checkbox
              id={`${p}-attest`}
              name="attest"
              label={t('attest')}
              defaultChecked={echoed(state, 'attest') === 'on'}
              errors={state?.fieldErrors?.attest}
            />
            <Field
              as="textarea"
              id={`${p}-note`}
              label={t('note')}
              hint={t('noteHint')}
              {...field('note')}
              required
            />
          </>
        )}
      </ActionForm>
      <ActionForm
        action={denyAllowanceAction}
        hiddenFields={{ allowanceId }}
        aria-label={t('denyForm', { label })}
        className={card}
        messageId={`${p}-deny-message`}
        closed={closed}
        submit={t('deny')}
        pendingText={t('denying')}
        variant="danger"
      >
        {({ field }) => (
          <Field
            as="textarea"
            id={`${p}-deny`}
            label={t('denyReason')}
            hint={t('denyHint')}
            {...field('note')}
            required
          />
        )}
      </ActionForm>
    </div>
  );
}

/**
 * End an allowance in force before its time (a DELETE through the switch outbox). `closed`: the
 * allowance is not in force (not yet, or no longer: the switch confirmed its end and the page refreshed
 * itself), or its end is already waiting for the switch; nothing is offered, and the answer to "End
 * now" stays in its live region (ActionForm `closed`).
 */
export function EndAllowanceForm({
  allowanceId,
  label,
  closed = false,
}: {
  allowanceId: string;
  label: string;
  closed?: boolean;
}) {
  const t = useTranslations('staff.allowances');
  return (
    <ActionForm
      action={endAllowanceAction}
      hiddenFields={{ allowanceId }}
      aria-label={t('endForm', { label })}
      className="flex flex-wrap items-center gap-3"
      messageId={`al-${allowanceId}-end-message`}
      closed={closed}
      submit={t('end')}
      pendingText={t('ending')}
      variant="secondary"
      buttonFirst
    />
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
  const t = useTranslations('staff.allowances');
  return (
    <ActionForm
      action={grantAllowanceAction}
      hiddenFields={{ accountNumber }}
      aria-labelledby="grant-title"
      className="flex max-w-xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4"
      messageId="grant-message"
      submit={t('grant')}
      pendingText={t('granting')}
    >
      {({ field }) => (
        <>
          <h3 id="grant-title" className="text-lg font-semibold">
            {t('grantTitle')}
          </h3>
          <CountryField
            id="grant-country"
            label={t('country')}
            choose={t('choose')}
            countries={countries}
            {...field('country')}
          />
          <Field
            id="grant-hours"
            label={t('hours')}
            type="number"
            min={1}
            max={72}
            step={1}
            hint={t('hoursHint')}
            {...field('hours')}
            required
          />
          <Field
            as="textarea"
            id="grant-reason"
            label={t('why')}
            hint={t('whyHint')}
            {...field('reason')}
            required
          />
        </>
      )}
    </ActionForm>
  );
}

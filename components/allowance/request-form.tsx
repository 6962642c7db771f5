'use client';
import { useActionState } from 'react';
import { Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';
import { requestAllowanceAction } from '@/lib/allowances/actions';

export type RequestFormLabels = Record<
  | 'country'
  | 'countryHint'
  | 'choose'
  | 'hours'
  | 'hoursHint'
  | 'reason'
  | 'reasonHint'
  | 'submit'
  | 'sending',
  string
>;

/** Country, hours (1–72) and why: the customer's request for a destination allowance. */
export function AllowanceRequestForm({
  blockId,
  countries,
  labels,
}: {
  blockId: string;
  countries: { code: string; name: string }[];
  labels: RequestFormLabels;
}) {
  const [state, action] = useActionState(requestAllowanceAction, undefined);
  const v = (k: string) => (typeof state?.values?.[k] === 'string' ? (state.values[k] as string) : undefined);
  const countryErr = state?.fieldErrors?.country;
  return (
    <form action={action} className="flex max-w-xl flex-col gap-5" noValidate>
      <input type="hidden" name="blockId" value={blockId} />
      <div className="flex flex-col gap-1">
        <label htmlFor="country" className="font-medium">
          {labels.country}
        </label>
        <p id="country-hint" className="text-sm text-slate-600">
          {labels.countryHint}
        </p>
        <select
          id="country"
          name="country"
          key={v('country')}
          defaultValue={v('country') ?? ''}
          required
          aria-invalid={countryErr ? true : undefined}
          aria-describedby={`country-hint${countryErr ? ' country-error' : ''}`}
          className="rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-invalid:border-red-600"
        >
          <option value="">{labels.choose}</option>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} ({c.code})
            </option>
          ))}
        </select>
        {countryErr ? (
          <p id="country-error" className="text-sm text-red-800">
            {countryErr.join(' ')}
          </p>
        ) : null}
      </div>
      <Field
        name="hours"
        label={labels.hours}
        type="number"
        inputMode="numeric"
        min={1}
        max={72}
        step={1}
        hint={labels.hoursHint}
        defaultValue={v('hours')}
        errors={state?.fieldErrors?.hours}
        required
      />
      <TextArea
        name="reason"
        label={labels.reason}
        hint={labels.reasonHint}
        defaultValue={v('reason')}
        errors={state?.fieldErrors?.reason}
        required
      />
      <FormMessage id="allowance-message" message={state?.message} />
      <div>
        <SubmitButton pendingText={labels.sending}>{labels.submit}</SubmitButton>
      </div>
    </form>
  );
}

'use client';
import { ActionForm } from '@/components/ui/action-form';
import { Field } from '@/components/ui/field';
import { requestAllowanceAction } from '@/lib/allowances/actions';
import { CountryField } from './country-field';

export type RequestFormLabels = Record<
  | 'country'
  | 'countryHint'
  | 'choose'
  | 'hours'
  | 'hoursHint'
  | 'reason'
  | 'reasonHint'
  | 'callback'
  | 'callbackHint'
  | 'submit'
  | 'sending',
  string
>;

/**
 * Country, hours (1–72), why and a callback phone (as on the misdial form): the customer's request for
 * a destination allowance. `closed`: the block is no longer in force (components/block/block-step.tsx):
 * only the last answer stays.
 */
export function AllowanceRequestForm({
  blockId,
  countries,
  labels,
  closed = false,
}: {
  blockId: string;
  countries: { code: string; name: string }[];
  labels: RequestFormLabels;
  closed?: boolean;
}) {
  return (
    <ActionForm
      action={requestAllowanceAction}
      hiddenFields={{ blockId }}
      className="flex max-w-xl flex-col gap-5"
      messageId="allowance-message"
      submit={labels.submit}
      pendingText={labels.sending}
      closed={closed}
    >
      {({ field }) => (
        <>
          <CountryField
            label={labels.country}
            hint={labels.countryHint}
            choose={labels.choose}
            countries={countries}
            {...field('country')}
            required
          />
          <Field
            label={labels.hours}
            type="number"
            inputMode="numeric"
            min={1}
            max={72}
            step={1}
            hint={labels.hoursHint}
            {...field('hours')}
            required
          />
          <Field as="textarea" label={labels.reason} hint={labels.reasonHint} {...field('reason')} required />
          <Field
            label={labels.callback}
            type="tel"
            autoComplete="tel"
            hint={labels.callbackHint}
            {...field('callbackPhone')}
            required
          />
        </>
      )}
    </ActionForm>
  );
}

'use client';
import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { misdialAction } from '@/lib/requests/actions';
import { UnblockRequestForm } from './request-form';
import { Field, FieldError } from '@/components/ui/field';
import type { PrefixSlip } from '@/lib/requests/dialling';

/** A call to choose: `label` is rendered by the page, its number and SIP username `unbroken`. */
type Call = { id: string; label: ReactNode };

/** A number in a hint kept on one line (the `unbroken` utility, app/globals.css). */
const unbroken = (chunks: ReactNode) => <span className="unbroken">{chunks}</span>;

/**
 * The misdial request's fields. `country` is the account country's name in the reader's language
 * ("Estados Unidos", not "US"): the hint tells them they may dial as they do there; `example` is a
 * number of that country written internationally (lib/phone/format.ts exampleNumber). `slip`: the
 * 00-for-0 slip one of the block's calls reads as (lib/requests/dialling.ts prefixSlip), the example
 * of "What happened?"; null gives an example with no number, since the national form of a number is
 * the account country's own ("0252…" is no number in Spain or Mexico, which dial no trunk prefix).
 * A request may mark several calls (lib/requests/submit.ts, up to MAX_MARKED_CALLS), so the calls are
 * checkboxes and the question is asked in the plural when there are several (unblock.misdial.legend).
 * Only a lone call comes ticked: of several, the customer ticks the misdials themselves (a first call
 * ticked for them reached support as "the customer marked 1 of these calls"). None ticked is refused
 * by the server (outcome.field.misdialCalls) with every other field's problem of the same submission
 * (lib/requests/fields.ts), shown under the boxes, which are marked invalid.
 * `closed`: nothing can be asked any more (UnblockRequestForm). `phone`: the account's callback number
 * on file as a person reads it (lib/accounts/phone-on-file.ts), which "Callback phone" starts with,
 * still editable; a number the customer sent and the server refused is shown again instead (echoed).
 * The numbers in the labels and hints never break across lines (a 375 px phone showed "+252⏎61 123
 * 4567" and "mx-⏎recepcion"): the catalogue marks them `<unbroken>`.
 */
export function MisdialForm({
  blockId,
  calls,
  country,
  example,
  slip,
  closed = false,
  phone = null,
}: {
  blockId: string;
  calls: Call[];
  country: string;
  example: string;
  slip: PrefixSlip | null;
  closed?: boolean;
  phone?: string | null;
}) {
  const t = useTranslations('unblock');
  return (
    <UnblockRequestForm kind="misdial" action={misdialAction} blockId={blockId} closed={closed}>
      {({ state, field }) => {
        const callErr = state?.fieldErrors?.['callIds[]'];
        const chosen = state?.values?.['callIds[]'];
        const callback = field('callbackPhone');
        return (
          <>
            {/* min-w-0 here and on each label's text: a fieldset and a flex item are at least as wide as
                their longest word, and a long SIP username must wrap rather than widen the page. */}
            <fieldset
              className="flex min-w-0 flex-col gap-2"
              aria-describedby={callErr ? 'calls-error' : undefined}
            >
              <legend className="font-medium">{t('misdial.legend', { count: calls.length })}</legend>
              {calls.map((c) => (
                <label key={c.id} className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    name="callIds[]"
                    value={c.id}
                    defaultChecked={chosen ? [chosen].flat().includes(c.id) : calls.length === 1}
                    // The error names the boxes themselves, so the send button's focus moves to the first
                    // of them, as to any field in error (components/ui/submit-button.tsx).
                    aria-invalid={callErr ? true : undefined}
                    aria-describedby={callErr ? 'calls-error' : undefined}
                    className="h-5 w-5 shrink-0"
                  />
                  <span className="min-w-0">{c.label}</span>
                </label>
              ))}
              <FieldError id="calls" errors={callErr} />
            </fieldset>
            <Field
              label={t('misdial.intended')}
              inputMode="tel"
              autoComplete="off"
              hint={t.rich('misdial.intendedHint', { country, example, unbroken })}
              {...field('intendedNumber')}
              required
            />
            <Field
              as="textarea"
              label={t('whatHappened')}
              hint={
                slip
                  ? t.rich('misdial.whatHappenedSlip', { ...slip, unbroken })
                  : t('misdial.whatHappenedHint')
              }
              {...field('whatHappened')}
              required
            />
            <Field
              label={t('callback')}
              type="tel"
              autoComplete="tel"
              hint={t('misdial.callbackHint')}
              {...callback}
              defaultValue={callback.defaultValue ?? phone ?? undefined}
              required
            />
          </>
        );
      }}
    </UnblockRequestForm>
  );
}

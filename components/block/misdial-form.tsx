'use client';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { misdialAction } from '@/lib/requests/actions';
import { Field } from '@/components/ui/field';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';

type Call = { id: string; label: string };

export function MisdialForm({
  blockId,
  calls,
  country,
}: {
  blockId: string;
  calls: Call[];
  country: string;
}) {
  const t = useTranslations('unblock');
  const [state, action] = useActionState(misdialAction, undefined);
  const callErr = state?.fieldErrors?.['callIds[]'];
  const v = (k: string) => echoed(state, k);
  const chosen = state?.values?.['callIds[]'];
  return (
    <form action={action} className="flex max-w-xl flex-col gap-5" noValidate>
      <input type="hidden" name="blockId" value={blockId} />
      <fieldset className="flex flex-col gap-2" aria-describedby={callErr ? 'calls-error' : undefined}>
        <legend className="font-medium">{t('misdial.legend')}</legend>
        {calls.map((c, i) => (
          <label key={c.id} className="flex items-center gap-2">
            <input
              type="checkbox"
              name="callIds[]"
              value={c.id}
              defaultChecked={chosen ? [chosen].flat().includes(c.id) : calls.length === 1 || i === 0}
              className="h-5 w-5"
            />
            <span>{c.label}</span>
          </label>
        ))}
        {callErr ? (
          <p id="calls-error" className="text-sm text-red-800">
            {callErr.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <Field
        name="intendedNumber"
        label={t('misdial.intended')}
        inputMode="tel"
        autoComplete="off"
        hint={t('misdial.intendedHint', { country })}
        defaultValue={v('intendedNumber')}
        errors={state?.fieldErrors?.intendedNumber}
        required
      />
      <TextArea
        name="whatHappened"
        label={t('whatHappened')}
        hint={t('misdial.whatHappenedHint')}
        defaultValue={v('whatHappened')}
        errors={state?.fieldErrors?.whatHappened}
        required
      />
      <Field
        name="callbackPhone"
        label={t('callback')}
        type="tel"
        autoComplete="tel"
        hint={t('misdial.callbackHint')}
        defaultValue={v('callbackPhone')}
        errors={state?.fieldErrors?.callbackPhone}
        required
      />
      <FormMessage id="misdial-message" message={state?.message} />
      <div>
        <SubmitButton pendingText={t('sending')}>{t('submit')}</SubmitButton>
      </div>
    </form>
  );
}

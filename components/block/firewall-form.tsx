'use client';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { firewallAction } from '@/lib/requests/actions';
import { Field } from '@/components/ui/field';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';

/** `checks`: one required checkbox each (lib/requests/doors.ts FIREWALL_CHECKS), labelled by the page. */
export function FirewallForm({
  blockId,
  legend,
  checks,
}: {
  blockId: string;
  legend: string;
  checks: { name: string; label: string }[];
}) {
  const t = useTranslations('unblock');
  const [state, action] = useActionState(firewallAction, undefined);
  const v = (k: string) => echoed(state, k);
  return (
    <form action={action} className="flex max-w-xl flex-col gap-5" noValidate>
      <input type="hidden" name="blockId" value={blockId} />
      <fieldset className="flex flex-col gap-2">
        <legend className="font-medium">{legend}</legend>
        {checks.map((c) => (
          <div key={c.name}>
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                name={c.name}
                defaultChecked={v(c.name) === 'on'}
                className="mt-1 h-5 w-5"
                aria-describedby={state?.fieldErrors?.[c.name] ? `${c.name}-error` : undefined}
              />
              <span>{c.label}</span>
            </label>
            {state?.fieldErrors?.[c.name] ? (
              <p id={`${c.name}-error`} className="text-sm text-red-800">
                {state.fieldErrors[c.name]!.join(' ')}
              </p>
            ) : null}
          </div>
        ))}
      </fieldset>
      <Field
        name="pbxIp"
        label={t('firewall.pbxIp')}
        hint={t('firewall.pbxIpHint')}
        defaultValue={v('pbxIp')}
        errors={state?.fieldErrors?.pbxIp}
        required
      />
      <TextArea
        name="whatHappened"
        label={t('whatHappened')}
        hint={t('firewall.whatHappenedHint')}
        defaultValue={v('whatHappened')}
        errors={state?.fieldErrors?.whatHappened}
      />
      <Field
        name="callbackPhone"
        label={t('callback')}
        type="tel"
        autoComplete="tel"
        defaultValue={v('callbackPhone')}
        errors={state?.fieldErrors?.callbackPhone}
        required
      />
      <FormMessage id="firewall-message" message={state?.message} />
      <div>
        <SubmitButton pendingText={t('sending')}>{t('submit')}</SubmitButton>
      </div>
    </form>
  );
}

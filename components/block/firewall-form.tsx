'use client';
import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { firewallAction } from '@/lib/requests/actions';
import { UnblockRequestForm } from './request-form';
import { echoed } from '@/components/ui/echoed';
import { Checkbox, Field } from '@/components/ui/field';

/**
 * `checks`: one required checkbox each (lib/requests/doors.ts FIREWALL_CHECKS), labelled by the page
 * (a label may hold markup: the SIP ports' box lists the provider's addresses as code).
 * `closed`: nothing can be asked any more (UnblockRequestForm).
 */
export function FirewallForm({
  blockId,
  legend,
  checks,
  closed = false,
}: {
  blockId: string;
  legend: string;
  checks: { name: string; label: ReactNode }[];
  closed?: boolean;
}) {
  const t = useTranslations('unblock');
  return (
    <UnblockRequestForm kind="firewall" action={firewallAction} blockId={blockId} closed={closed}>
      {({ state, field }) => (
        <>
          <fieldset className="flex flex-col gap-2">
            <legend className="font-medium">{legend}</legend>
            {checks.map((c) => (
              <Checkbox
                key={c.name}
                name={c.name}
                label={c.label}
                defaultChecked={echoed(state, c.name) === 'on'}
                errors={state?.fieldErrors?.[c.name]}
              />
            ))}
          </fieldset>
          <Field label={t('firewall.pbxIp')} hint={t('firewall.pbxIpHint')} {...field('pbxIp')} required />
          <Field
            as="textarea"
            label={t('whatHappened')}
            hint={t('firewall.whatHappenedHint')}
            {...field('whatHappened')}
          />
          <Field label={t('callback')} type="tel" autoComplete="tel" {...field('callbackPhone')} required />
        </>
      )}
    </UnblockRequestForm>
  );
}

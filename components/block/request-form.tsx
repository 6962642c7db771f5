'use client';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { ActionForm, type FormAction, type FormKit } from '@/components/ui/action-form';

/**
 * The frame the two unblock request forms share (misdial, firewall): the block they are about as a
 * hidden field, the send button, and the aria-live message region `<kind>-message`.
 */
export function UnblockRequestForm<T>({
  kind,
  action,
  blockId,
  children,
}: {
  kind: 'misdial' | 'firewall';
  action: FormAction<T>;
  blockId: string;
  children: (kit: FormKit<T>) => ReactNode;
}) {
  const t = useTranslations('unblock');
  return (
    <ActionForm
      action={action}
      hiddenFields={{ blockId }}
      className="flex max-w-xl flex-col gap-5"
      messageId={`${kind}-message`}
      submit={t('submit')}
      pendingText={t('sending')}
    >
      {children}
    </ActionForm>
  );
}

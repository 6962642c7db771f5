'use client';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { ActionForm, type FormAction, type FormKit } from '@/components/ui/action-form';

/**
 * The frame the two unblock request forms share (misdial, firewall): the block they are about as a
 * hidden field, the send button, and the aria-live message region `<kind>-message`. `closed`: the
 * block can no longer be asked this (components/block/block-step.tsx): only the last answer stays.
 */
export function UnblockRequestForm<T>({
  kind,
  action,
  blockId,
  closed = false,
  children,
}: {
  kind: 'misdial' | 'firewall';
  action: FormAction<T>;
  blockId: string;
  closed?: boolean;
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
      closed={closed}
    >
      {children}
    </ActionForm>
  );
}

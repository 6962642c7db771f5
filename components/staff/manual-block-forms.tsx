'use client';
import { useTranslations } from 'next-intl';
import { liftBlockAction, placeBlockAction } from '@/lib/blocks/actions';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { NoteForm } from './note-form';

/** Support blocks international calling by hand (reason "manual"); the switch must confirm it. */
export function PlaceBlockForm({ accountNumber }: { accountNumber: string }) {
  const t = useTranslations('staff.account');
  return (
    <NoteForm
      action={placeBlockAction}
      hiddenFields={{ accountNumber }}
      prefix={{ note: 'place-note', message: 'place-message' }}
      label={t('note')}
      hint={t('placeHint')}
      submit={t('place')}
      pendingText={t('sending')}
      variant="danger"
    />
  );
}

/** Lifts one block (and the other blocks ticked) through the switch outbox. */
export function LiftBlockForm({
  blockId,
  otherBlocks = [],
}: {
  blockId: string;
  otherBlocks?: OtherBlockDto[];
}) {
  const t = useTranslations('staff.account');
  return (
    <NoteForm
      action={liftBlockAction}
      hiddenFields={{ blockId }}
      prefix={{
        note: `lift-note-${blockId}`,
        message: `lift-message-${blockId}`,
        other: `lift-other-${blockId}`,
      }}
      label={t('note')}
      hint={t('liftHint')}
      submit={t('lift')}
      pendingText={t('sending')}
      otherBlocks={otherBlocks}
    />
  );
}

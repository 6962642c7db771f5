'use client';
import { useTranslations } from 'next-intl';
import { liftBlockAction, placeBlockAction } from '@/lib/blocks/actions';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { NoteForm } from './note-form';

/**
 * Support blocks international calling by hand (reason "manual"); the switch must confirm it.
 * `closed`: a block is in force or on its way (NoteForm `closed`: the answer stays).
 */
export function PlaceBlockForm({
  accountNumber,
  closed = false,
}: {
  accountNumber: string;
  closed?: boolean;
}) {
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
      closed={closed}
    />
  );
}

/**
 * Lifts one block (and the other blocks ticked) through the switch outbox. `closed`: the block is no
 * longer active (its lift on its way, or lifted): NoteForm `closed`, the answer stays.
 */
export function LiftBlockForm({
  blockId,
  otherBlocks = [],
  closed = false,
}: {
  blockId: string;
  otherBlocks?: OtherBlockDto[];
  closed?: boolean;
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
      closed={closed}
    />
  );
}

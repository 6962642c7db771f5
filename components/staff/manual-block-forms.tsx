'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { liftBlockAction, placeBlockAction } from '@/lib/blocks/actions';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { NoteForm } from './note-form';

/**
 * The section where support blocks international calling by hand (reason "manual"; the switch must
 * confirm it): its heading, and the form while no block is in force or on its way. `closed`: one is
 * (NoteForm `closed`: the form's answer stays under the heading, which takes the focus).
 *
 * With nothing to show (closed, and no answer from this page) the section is hidden, heading and all,
 * decided here rather than in CSS (`:has(form)` is unknown to Firefox before 121, ESR 115 among them,
 * which then showed a bare heading over a blocked account). An answer keeps it from the moment the form
 * is sent (the refreshed page that closes the form may come before the answer) until that answer says
 * otherwise: a field error, which the closed form does not show. The section stays mounted while
 * hidden, so the form keeps its answer, and starts afresh when the form is offered again.
 */
export function PlaceBlockSection({ accountNumber, closed }: { accountNumber: string; closed: boolean }) {
  const t = useTranslations('staff.account');
  const [answer, setAnswer] = useState({ closed, kept: false });
  // Offered again (the block was lifted): a new form, with no answer to keep.
  if (answer.closed !== closed) setAnswer({ closed, kept: closed && answer.kept });
  const keep = (kept: boolean) => setAnswer((a) => ({ ...a, kept }));
  return (
    <section aria-labelledby="place-title" className="flex flex-col gap-3" hidden={closed && !answer.kept}>
      <h2 id="place-title" className="text-xl font-semibold">
        {t('placeTitle')}
      </h2>
      {closed ? null : <p>{t('placeIntro')}</p>}
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
        onSubmit={() => keep(true)}
        onAnswer={keep}
      />
    </section>
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

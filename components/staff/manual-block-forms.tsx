'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { liftBlockAction, placeBlockAction } from '@/lib/blocks/actions';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';

/** Support blocks international calling by hand (reason "manual"); the switch must confirm it. */
export function PlaceBlockForm({ accountNumber }: { accountNumber: string }) {
  const [state, action] = useActionState(placeBlockAction, undefined);
  const t = useTranslations('staff.account');
  const note = echoed(state, 'note');
  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <TextArea
        id="place-note"
        name="note"
        label={t('note')}
        hint={t('placeHint')}
        defaultValue={note}
        errors={state?.fieldErrors?.note}
        required
      />
      <FormMessage id="place-message" message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton variant="danger" pendingText={t('sending')}>
          {t('place')}
        </SubmitButton>
      </div>
    </form>
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
  const [state, action] = useActionState(liftBlockAction, undefined);
  const t = useTranslations('staff.account');
  const note = echoed(state, 'note');
  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <input type="hidden" name="blockId" value={blockId} />
      <TextArea
        id={`lift-note-${blockId}`}
        name="note"
        label={t('note')}
        hint={t('liftHint')}
        defaultValue={note}
        errors={state?.fieldErrors?.note}
        required
      />
      <OtherBlocksChoice
        blocks={otherBlocks}
        idPrefix={`lift-other-${blockId}`}
        checked={state?.values?.['alsoLift[]']}
      />
      <FormMessage id={`lift-message-${blockId}`} message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton pendingText={t('sending')}>{t('lift')}</SubmitButton>
      </div>
    </form>
  );
}

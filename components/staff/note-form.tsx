'use client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { Field } from '@/components/ui/field';
import type { SubmitVariant } from '@/components/ui/submit-button';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';

/**
 * A staff action that takes one required note (place or lift a block, resolve a sync issue): the
 * note field, optionally the other blocks to lift with it, the message and the button.
 * `prefix` makes the ids unique on a page with several: `${prefix}-note`, `${prefix}-message`.
 * `closed`: there is nothing to do here now (a block in force or on its way, a lift sent, an entry
 * resolved). The page renders the form either way, at the same place, so that the answer to what was
 * just sent stays in its live region (ActionForm `closed`) when the refreshed page closes it. A form
 * offered again later (the block was lifted: a new one can be placed) starts afresh, without that
 * earlier answer. `onSubmit` and `onAnswer` (ActionForm): for a caller that hides what surrounds the
 * form once it is closed with nothing to show.
 */
export function NoteForm<T = unknown>({
  action,
  hiddenFields,
  prefix,
  label,
  hint,
  submit,
  pendingText,
  variant,
  otherBlocks,
  gap = 'gap-4',
  closed = false,
  onSubmit,
  onAnswer,
}: {
  action: FormAction<T>;
  hiddenFields: Record<string, string>;
  prefix: { note: string; message: string; other?: string };
  label: string;
  hint: string;
  submit: ReactNode;
  pendingText: string;
  variant?: SubmitVariant;
  otherBlocks?: OtherBlockDto[];
  gap?: 'gap-2' | 'gap-4';
  closed?: boolean;
  onSubmit?: (e: FormEvent<HTMLFormElement>) => void;
  onAnswer?: (stays: boolean) => void;
}) {
  // Each time the form is offered again after being closed, a new round: a new ActionForm (React key).
  const [round, setRound] = useState({ closed, n: 0 });
  if (round.closed !== closed) setRound({ closed, n: closed ? round.n : round.n + 1 });
  return (
    <ActionForm
      key={round.n}
      action={action}
      hiddenFields={hiddenFields}
      className={`flex max-w-xl flex-col ${gap}`}
      messageId={prefix.message}
      submit={submit}
      pendingText={pendingText}
      variant={variant}
      closed={closed}
      onSubmit={onSubmit}
      onAnswer={onAnswer}
    >
      {({ state, field }) => (
        <>
          <Field as="textarea" id={prefix.note} label={label} hint={hint} {...field('note')} required />
          {otherBlocks && prefix.other ? (
            <OtherBlocksChoice
              blocks={otherBlocks}
              idPrefix={prefix.other}
              checked={state?.values?.['alsoLift[]']}
            />
          ) : null}
        </>
      )}
    </ActionForm>
  );
}

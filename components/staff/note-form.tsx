'use client';
import type { ReactNode } from 'react';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { Field } from '@/components/ui/field';
import type { SubmitVariant } from '@/components/ui/submit-button';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';

/**
 * A staff action that takes one required note (place or lift a block, resolve a sync issue): the
 * note field, optionally the other blocks to lift with it, the message and the button.
 * `prefix` makes the ids unique on a page with several: `${prefix}-note`, `${prefix}-message`.
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
}) {
  return (
    <ActionForm
      action={action}
      hiddenFields={hiddenFields}
      className={`flex max-w-xl flex-col ${gap}`}
      messageId={prefix.message}
      submit={submit}
      pendingText={pendingText}
      variant={variant}
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

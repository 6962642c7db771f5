'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { approveAction, denyAction } from '@/lib/requests/actions';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { TextArea } from '@/components/ui/text-area';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';

/** Approve (after the callback, with a note) or deny (with a reason the customer reads). */
export function DecisionForms({
  requestId,
  otherBlocks = [],
}: {
  requestId: string;
  otherBlocks?: OtherBlockDto[];
}) {
  const [approved, approve] = useActionState(approveAction, undefined);
  const [denied, deny] = useActionState(denyAction, undefined);
  const t = useTranslations('staff.decision');
  const attestError = approved?.fieldErrors?.attest;
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <form
        action={approve}
        aria-labelledby="approve-title"
        className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4"
        noValidate
      >
        <h3 id="approve-title" className="text-lg font-semibold">
          {t('approveTitle')}
        </h3>
        <input type="hidden" name="requestId" value={requestId} />
        <div>
          <label className="flex items-start gap-2">
            <input
              type="checkbox"
              name="attest"
              defaultChecked={echoed(approved, 'attest') === 'on'}
              className="mt-1 h-5 w-5"
              aria-invalid={attestError ? true : undefined}
              aria-describedby={attestError ? 'attest-error' : undefined}
            />
            <span>{t('attest')}</span>
          </label>
          {attestError ? (
            <p id="attest-error" className="text-sm text-red-800">
              {attestError.join(' ')}
            </p>
          ) : null}
        </div>
        <TextArea
          name="note"
          label={t('note')}
          hint={t('noteHint')}
          defaultValue={echoed(approved, 'note')}
          errors={approved?.fieldErrors?.note}
          required
        />
        <OtherBlocksChoice
          blocks={otherBlocks}
          idPrefix="approve-other"
          checked={approved?.values?.['alsoLift[]']}
        />
        <FormMessage id="approve-message" message={approved?.message} ok={approved?.ok} />
        <div>
          <SubmitButton pendingText={t('approving')}>{t('approve')}</SubmitButton>
        </div>
      </form>
      <form
        action={deny}
        aria-labelledby="deny-title"
        className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4"
        noValidate
      >
        <h3 id="deny-title" className="text-lg font-semibold">
          {t('denyTitle')}
        </h3>
        <input type="hidden" name="requestId" value={requestId} />
        <TextArea
          name="denyReason"
          label={t('denyReason')}
          hint={t('denyHint')}
          defaultValue={echoed(denied, 'denyReason')}
          errors={denied?.fieldErrors?.denyReason}
          required
        />
        <FormMessage id="deny-message" message={denied?.message} ok={denied?.ok} />
        <div>
          <SubmitButton variant="danger" pendingText={t('denying')}>
            {t('deny')}
          </SubmitButton>
        </div>
      </form>
    </div>
  );
}

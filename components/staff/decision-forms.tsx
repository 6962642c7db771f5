'use client';
import { useTranslations } from 'next-intl';
import { approveAction, denyAction } from '@/lib/requests/actions';
import { ActionForm } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { Checkbox, Field } from '@/components/ui/field';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';

const card = 'flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4';

/**
 * Approve (after the callback, with a note) or deny (with a reason the customer reads). `liftPending`:
 * a lift of the block is already on its way to the switch; a line above both cards says to decide after
 * the switch answers (approval and denial are refused meanwhile, lib/requests/decide.ts).
 * `subject`: the account (number and name) and the customer who asked, in a line above the cards that
 * describes both buttons (aria-describedby), so a screen-reader user working several tabs hears which
 * account "Approve and lift block" or "Deny" acts on; the buttons' names stay as CONTRACTS §6 fixes them.
 * `closed`: the request is no longer pending (the page renders this component either way, at the same
 * place, so that after a refused decision and the refresh that comes with it the refusal stays in its
 * live region: ActionForm `closed`); nothing is offered then. `queueFilter`: the queue's filter the page
 * was opened with (`kind`, `reason`, `taken`, as queueFilterParams writes it), posted with either
 * decision so that the page it leads to keeps it (lib/requests/actions.ts).
 */
export function DecisionForms({
  requestId,
  subject,
  otherBlocks = [],
  liftPending = false,
  closed = false,
  queueFilter = {},
}: {
  requestId: string;
  queueFilter?: Record<string, string>;
  subject: { number: string; name: string; customer: string | null };
  otherBlocks?: OtherBlockDto[];
  liftPending?: boolean;
  closed?: boolean;
}) {
  const t = useTranslations('staff.decision');
  return (
    <div className="grid gap-6 md:grid-cols-2">
      {closed ? null : (
        <p id="decision-subject" className="md:col-span-2">
          {subject.customer
            ? t('subject', { name: subject.name, number: subject.number, customer: subject.customer })
            : t('subjectNoCustomer', { name: subject.name, number: subject.number })}
        </p>
      )}
      {liftPending && !closed ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950 md:col-span-2">
          {t('liftOnItsWay')}
        </p>
      ) : null}
      <ActionForm
        action={approveAction}
        hiddenFields={{ ...queueFilter, requestId }}
        aria-labelledby="approve-title"
        className={card}
        messageId="approve-message"
        closed={closed}
        submitDescribedBy="decision-subject"
        submit={t('approve')}
        pendingText={t('approving')}
      >
        {({ state, field }) => (
          <>
            <h3 id="approve-title" className="text-lg font-semibold">
              {t('approveTitle')}
            </h3>
            <Checkbox
              name="attest"
              label={t('attest')}
              defaultChecked={echoed(state, 'attest') === 'on'}
              errors={state?.fieldErrors?.attest}
            />
            <Field as="textarea" label={t('note')} hint={t('noteHint')} {...field('note')} required />
            <OtherBlocksChoice
              blocks={otherBlocks}
              idPrefix="approve-other"
              checked={state?.values?.['alsoLift[]']}
            />
          </>
        )}
      </ActionForm>
      <ActionForm
        action={denyAction}
        hiddenFields={{ ...queueFilter, requestId }}
        aria-labelledby="deny-title"
        className={card}
        messageId="deny-message"
        closed={closed}
        submitDescribedBy="decision-subject"
        submit={t('deny')}
        pendingText={t('denying')}
        variant="danger"
      >
        {({ field }) => (
          <>
            <h3 id="deny-title" className="text-lg font-semibold">
              {t('denyTitle')}
            </h3>
            <Field
              as="textarea"
              label={t('denyReason')}
              hint={t('denyHint')}
              {...field('denyReason')}
              required
            />
          </>
        )}
      </ActionForm>
    </div>
  );
}

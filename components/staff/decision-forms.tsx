'use client';
import { useTranslations } from 'next-intl';
import { useRef } from 'react';
import { Link } from '@/components/ui/link';
import { approveAction, denyAction } from '@/lib/requests/actions';
import { ActionForm } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { Checkbox, Field, FieldError } from '@/components/ui/field';
import type { OtherBlockDto } from '@/lib/blocks/queries';
import { OtherBlocksChoice } from './other-blocks-choice';
import {
  CLOSED_FORMS,
  stopClosedSubmit,
  useClosedForms,
  useRequestChange,
  waitsNoMore,
} from './request-watch';

const card = 'flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4';

/**
 * One of the account's destination allowances as the approval's note names it: `label` in the page's
 * words ("Mexico (MX), 24 h"), `href` its card on the account page (where it is decided), `status` as
 * stored (lib/allowances/rules.ts OPEN_STATUSES).
 */
export type OpenAllowanceDto = {
  id: string;
  label: string;
  href: string;
  status: 'requested' | 'sending' | 'active';
};

/**
 * What an approval lifts, given the account's other blocks in force (`otherBlocks`): `last` when
 * there is none (this block is the last), `withOthers` when there are and none was placed by support
 * (the approval must tick each: lib/blocks/lifecycle.ts requestLift refuses a lift that would leave
 * one in force), else null (one placed by support: the approval is refused, it lifts nothing). Either
 * lift leaves no block in force, so once the switch confirms it Tollgate closes the account's waiting
 * allowance requests without a decision and ends its allowances in force or on their way
 * (lib/allowances/operations.ts endAllowancesWithBlock).
 */
export function liftLeavesNoBlock(
  otherBlocks: readonly Pick<OtherBlockDto, 'reason'>[],
): 'last' | 'withOthers' | null {
  if (otherBlocks.length === 0) return 'last';
  return otherBlocks.every((b) => b.reason !== 'manual') ? 'withOthers' : null;
}

/**
 * What the page knows of a misdial request's evidence, for the approval to weigh (null for a firewall
 * request, which claims no misdial): `marked`, the calls the customer marked as the misdial; `calls`,
 * every call of the block (those stored and those its event listed beyond them); `unlikely`, the
 * misdial hint's verdict is "Unlikely to be a misdial" (lib/requests/misdial-likelihood.ts);
 * `credentials`, the account's SIP credentials, and `changedSince`, how many of them had their
 * password changed after the block was placed.
 */
export type ApproveEvidence = {
  marked: number;
  calls: number;
  unlikely: boolean;
  credentials: number;
  changedSince: number;
};

/**
 * Whether the evidence does not support an approval, and why: `partial` when the customer marked some
 * of the block's calls but not all (an approval lifts the block for every call, explained or not),
 * `unlikely` when the hint says unlikely; null when neither (nothing to say). No marked call at all
 * (a request sent before calls were marked) is not taken as partial: the page cannot tell.
 */
export function approveDoubt(
  e: ApproveEvidence | null | undefined,
): { partial: boolean; unlikely: boolean } | null {
  if (!e) return null;
  const partial = e.marked > 0 && e.marked < e.calls;
  return partial || e.unlikely ? { partial, unlikely: e.unlikely } : null;
}

/** The deny form's callback choices (field `callback`, lib/requests/denial-callback.ts), with their labels' keys. */
const CALLBACK_CHOICES = [
  { value: 'spoke', label: 'callbackSpoke' },
  { value: 'unreached', label: 'callbackUnreached' },
] as const;

/**
 * Approve (after the callback, with a note) or deny (with a reason the customer reads, after the
 * callback: "I spoke with the account holder" or "I called and could not reach them", one of which the
 * server requires, as approve's box; the customer's email and block page say which). `liftPending`:
 * a lift of the block is already on its way to the switch; a line above both cards says to decide after
 * the switch answers (approval and denial are refused meanwhile, lib/requests/decide.ts).
 * `subject`: the account (number and name) and the customer who asked, in a line above the cards that
 * describes both buttons (aria-describedby), so a screen-reader user working several tabs hears which
 * account "Approve and lift block" or "Deny" acts on; the buttons' names stay as CONTRACTS §6 fixes them.
 * `customer` null: nobody who speaks for the account asked (the sender is no longer a member of it,
 * their login is disabled or gone: lib/requests/detail.ts submittedBy); the line is then a warning, in
 * red, not to act on their word and to approve only after a call with a current member at the number
 * on file, and the approval has a second box, "I spoke with a current member of the account, not the
 * person who asked" (`attestCurrentMember`, which the server then requires: lib/requests/decide.ts
 * approveRequest); the warning describes both boxes (aria-describedby, with each box's error). A
 * sender who left after the page was drawn is caught by the server all the same: its refusal redraws
 * the page, which then shows the warning and the box.
 * `allowances`: the account's destination allowances still open (OpenAllowanceDto); when approving
 * can lift the account's last block in force (liftLeavesNoBlock; no lift on its way), the approval
 * says, above its button and read with it, what becomes of each once the switch confirms that lift (a
 * waiting request closed without a decision, an allowance ended with the block), each a link to its
 * card, and to tell the customer on the call (before 2026-12-07 nothing on the page named them, and a
 * customer's allowance request closed "without a decision" that the agent on the phone never heard of).
 * `evidence` (ApproveEvidence): when it does not support an approval (approveDoubt: the customer marked
 * fewer calls than the block has, or the hint says unlikely), the approval says so above its button and
 * read with it (aria-describedby `approve-doubt`): how many calls are explained and that approving
 * lifts the block for all, the hint's verdict, whether any SIP password changed since the block, and
 * that the agent decides. It never stops the approval (before 2026-12-08 this was only in the hint and
 * in the collapsed call details).
 * `closed`: the request is no longer pending (the page renders this component either way, at the same
 * place, so that after a refused decision and the refresh that comes with it the refusal stays in its
 * live region: ActionForm `closed`); nothing is offered then. `queueFilter`: the queue's filter the page
 * was opened with (`kind`, `reason`, `taken`, as queueFilterParams writes it), posted with either
 * decision so that the page it leads to keeps it (lib/requests/actions.ts).
 *
 * While the page's watch (components/staff/request-watch.tsx) knows the request changed since the page
 * was drawn, a line above the cards says so, and describes both buttons: when the request waits no
 * more (someone decided it, the customer withdrew it, a lift closed it), both forms close without
 * `disabled` (useClosedForms): the notes become read-only, so what was typed stays readable, focusable
 * and copyable until the agent shows the request as it is now; the buttons are `aria-disabled`, in
 * a look that meets contrast, and send nothing (stopClosedSubmit); and if the keyboard focus was in
 * them it goes to the line saying they closed (tabindex -1), which a screen reader then reads.
 * Otherwise (taken, released, back after an approval, its block changed) the forms stay usable,
 * marked out of date. Each form stays at its place in the tree either way (a fieldset that is there
 * from the start).
 */
export function DecisionForms({
  requestId,
  subject,
  otherBlocks = [],
  allowances = [],
  liftPending = false,
  closed = false,
  queueFilter = {},
  evidence = null,
}: {
  requestId: string;
  queueFilter?: Record<string, string>;
  evidence?: ApproveEvidence | null;
  subject: { number: string; name: string; customer: string | null };
  otherBlocks?: OtherBlockDto[];
  allowances?: OpenAllowanceDto[];
  liftPending?: boolean;
  closed?: boolean;
}) {
  const t = useTranslations('staff.decision');
  const change = useRequestChange();
  const over = waitsNoMore(change);
  const stale = change && !closed ? 'decision-stale' : null;
  const describedBy = stale ? `decision-subject ${stale}` : 'decision-subject';
  const shut = over && !closed;
  const box = useRef<HTMLFieldSetElement>(null);
  useClosedForms(box, shut, ['decision-stale']);
  // The sender no longer speaks for the account: the warning line is read with each box (and its error).
  const senderLeft = !subject.customer && !closed;
  const withWarning = (id: string, errors?: string[]) =>
    ['decision-subject', errors?.length ? `${id}-error` : null].filter(Boolean).join(' ');
  // Not while a lift is already on its way: approvals are refused then (liftOnItsWay says why).
  const settles = !closed && !liftPending && allowances.length ? liftLeavesNoBlock(otherBlocks) : null;
  const waitingAllowances = allowances.filter((a) => a.status === 'requested').length;
  // Said while an approval can be made (not once decided, nor while a lift is on its way).
  const doubt = !closed && !liftPending ? approveDoubt(evidence) : null;
  const approveDescribedBy = [
    describedBy,
    settles ? 'approve-allowances' : null,
    doubt ? 'approve-doubt' : null,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    // No legend: the section's heading ("Decision") names what it holds; the fieldset is there to
    // close the forms when the watch finds the request decided elsewhere (useClosedForms).
    <fieldset
      ref={box}
      role="presentation"
      onSubmitCapture={stopClosedSubmit(shut)}
      className={`m-0 grid min-w-0 gap-6 border-0 p-0 md:grid-cols-2 ${shut ? CLOSED_FORMS : ''}`}
    >
      {closed ? null : subject.customer ? (
        <p id="decision-subject" className="md:col-span-2">
          {t('subject', { name: subject.name, number: subject.number, customer: subject.customer })}
        </p>
      ) : (
        // Nobody who speaks for the account asked: said where the agent ticks and approves, and read
        // with the checkbox and both buttons (aria-describedby).
        <p
          id="decision-subject"
          className="rounded-md border-2 border-red-400 bg-red-50 p-3 font-medium text-red-950 md:col-span-2"
        >
          {t('subjectNoCustomer', { name: subject.name, number: subject.number })}
        </p>
      )}
      {stale ? (
        // Focusable by script (useClosedForms moves the focus here as the forms close), not a tab stop.
        <p
          id={stale}
          tabIndex={-1}
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950 focus:outline-2 focus:outline-offset-1 focus:outline-blue-700 md:col-span-2"
        >
          {over ? t('watch.formsClosed') : t('watch.formsStale')}
        </p>
      ) : null}
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
        submitDescribedBy={approveDescribedBy}
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
              // When the person who asked no longer speaks for the account, the box is read with the
              // line that says who may be the one it attests (and with its error, as Checkbox does).
              {...(senderLeft
                ? { 'aria-describedby': withWarning('attest', state?.fieldErrors?.attest) }
                : {})}
            />
            {senderLeft ? (
              // Only when the page knows the sender left: the server requires it then, and only then.
              <Checkbox
                name="attestCurrentMember"
                label={t('attestCurrentMember')}
                defaultChecked={echoed(state, 'attestCurrentMember') === 'on'}
                errors={state?.fieldErrors?.attestCurrentMember}
                aria-describedby={withWarning('attestCurrentMember', state?.fieldErrors?.attestCurrentMember)}
              />
            ) : null}
            <Field
              as="textarea"
              label={t('note')}
              hint={t('noteHint')}
              {...field('note')}
              required
              readOnly={shut}
            />
            <OtherBlocksChoice
              blocks={otherBlocks}
              idPrefix="approve-other"
              checked={state?.values?.['alsoLift[]']}
            />
            {settles ? (
              <div
                id="approve-allowances"
                className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
              >
                <p>{t(`allowances.${settles}`)}</p>
                <ul className="list-disc pl-5">
                  {allowances.map((a) => (
                    <li key={a.id}>
                      {/* Each a link to its card on the account page, where it is decided or ended. */}
                      {t.rich(a.status === 'requested' ? 'allowances.closes' : 'allowances.ends', {
                        label: a.label,
                        status: a.status,
                        link: (chunks) => (
                          <Link href={a.href} className="text-blue-800 underline">
                            {chunks}
                          </Link>
                        ),
                      })}
                    </li>
                  ))}
                </ul>
                {waitingAllowances ? <p>{t('allowances.tell', { count: waitingAllowances })}</p> : null}
              </div>
            ) : null}
            {doubt && evidence ? (
              // Right above the button and read with it: what the approval lifts that nobody explained.
              <div
                id="approve-doubt"
                className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
              >
                {doubt.partial ? (
                  <p>{t('doubt.partial', { marked: evidence.marked, calls: evidence.calls })}</p>
                ) : null}
                {doubt.unlikely ? <p>{t('doubt.unlikely')}</p> : null}
                {evidence.credentials ? (
                  <p>
                    {evidence.changedSince
                      ? t('doubt.passwordsSome', {
                          changed: evidence.changedSince,
                          count: evidence.credentials,
                        })
                      : t('doubt.passwordsNone')}
                  </p>
                ) : null}
                <p>{t('doubt.decide')}</p>
              </div>
            ) : null}
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
        submitDescribedBy={describedBy}
        submit={t('deny')}
        pendingText={t('denying')}
        variant="danger"
      >
        {({ state, field }) => (
          <>
            <h3 id="deny-title" className="text-lg font-semibold">
              {t('denyTitle')}
            </h3>
            <CallbackChoice
              label={t('callback')}
              hint={t('callbackHint')}
              choices={CALLBACK_CHOICES.map((c) => ({ value: c.value, label: t(c.label) }))}
              chosen={echoed(state, 'callback')}
              errors={state?.fieldErrors?.callback}
            />
            <Field
              as="textarea"
              label={t('denyReason')}
              hint={t('denyHint')}
              {...field('denyReason')}
              required
              readOnly={shut}
            />
          </>
        )}
      </ActionForm>
    </fieldset>
  );
}

/**
 * The deny form's callback (field `callback`): a radio group under a legend, described by its hint and
 * the field's error (aria-describedby: `callback-hint`, `callback-error`), `aria-invalid` while the error
 * stands (SubmitButton then moves the focus to the group, tabindex -1). `chosen`:
 * the value echoed after a refusal. Like approve's box, it stays as it is when the forms close
 * (useClosedForms): the form then sends nothing.
 */
function CallbackChoice({
  label,
  hint,
  choices,
  chosen,
  errors,
}: {
  label: string;
  hint: string;
  choices: { value: string; label: string }[];
  chosen?: string | string[];
  errors?: string[];
}) {
  const invalid = !!errors?.length;
  const described = ['callback-hint', invalid ? 'callback-error' : null].filter(Boolean).join(' ');
  return (
    // A radio group carries the error (ARIA puts aria-invalid on the group, not on a radio), and takes
    // the focus by script: SubmitButton focuses the first `aria-invalid` of the form, which reads the
    // legend, the hint and the error; Tab then goes to the choices.
    <fieldset
      role="radiogroup"
      aria-labelledby="callback-legend"
      aria-describedby={described}
      aria-invalid={invalid ? true : undefined}
      aria-required
      tabIndex={-1}
      className="m-0 flex flex-col gap-2 border-0 p-0 focus:outline-2 focus:outline-offset-2 focus:outline-blue-700"
    >
      <legend id="callback-legend" className="mb-1 p-0 font-medium">
        {label}
      </legend>
      <p id="callback-hint" className="text-sm text-slate-600">
        {hint}
      </p>
      {choices.map((c) => (
        <label key={c.value} className="flex items-start gap-2">
          <input
            type="radio"
            name="callback"
            value={c.value}
            // Keyed by the echo: React keeps a radio's first default (as a select's, components/ui/field.tsx).
            key={`${c.value}-${chosen ?? ''}`}
            defaultChecked={chosen === c.value}
            required
            className="mt-1 h-5 w-5 shrink-0"
          />
          <span>{c.label}</span>
        </label>
      ))}
      <FieldError id="callback" errors={errors} />
    </fieldset>
  );
}

'use client';
import { ActionForm } from '@/components/ui/action-form';
import { Checkbox, Field } from '@/components/ui/field';
import { changeLiftPolicyAction } from '@/lib/policy/actions';
import type { SettableReason } from '@/lib/policy/settings';

/** The form's words, in the admin's language (the page translates them: no catalogue in the browser). */
export type LiftPolicyWords = {
  legend: string;
  /** Each reason's name and what it means; `manual` shown fixed, always ticked. */
  reasons: Record<SettableReason | 'manual', { label: string; hint: string }>;
  reason: string;
  reasonHint: string;
  save: string;
  saving: string;
};

/** The ticked reasons of an answer's echoed form (`needsPerson[]`: one string, several, or none). */
const ticked = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/**
 * /staff/policy's form (lib/policy/change.ts changeLiftPolicy): one box per block reason that may
 * need a person before international calling comes back, `manual` ticked and fixed (it always does),
 * the required reason for the change, and the policy's `version` as the page showed it, so that a
 * form sent after another admin's change is refused, not saved over it. The boxes show the policy as
 * the page has it now (after a save, or after another admin's change was found first), except after a
 * refusal about the fields (no reason given), when they stay as they were sent. `idempotencyKey`
 * (this render's) makes a resend of a lost answer say it was saved.
 */
export function LiftPolicyForm({
  reasons,
  version,
  idempotencyKey,
  words,
}: {
  reasons: { reason: SettableReason; needsPerson: boolean }[];
  version: number;
  idempotencyKey: string;
  words: LiftPolicyWords;
}) {
  return (
    <ActionForm
      action={changeLiftPolicyAction}
      hiddenFields={{ version: String(version) }}
      idempotencyKey={idempotencyKey}
      className="flex max-w-2xl flex-col gap-4"
      messageId="policy-message"
      submit={words.save}
      pendingText={words.saving}
    >
      {({ state, field }) => {
        const sent = state && !state.ok && state.fieldErrors ? ticked(state.values?.['needsPerson[]']) : null;
        return (
          <>
            {/* Keyed by what it shows, so that a new version (or the boxes as sent) is shown afresh. */}
            <fieldset key={`${version}:${sent?.join(',') ?? ''}`} className="flex flex-col gap-3">
              <legend className="mb-2 font-semibold">{words.legend}</legend>
              <div>
                <Checkbox
                  id="policy-manual"
                  name="manualAlways"
                  defaultChecked
                  disabled
                  label={words.reasons.manual.label}
                  aria-describedby="policy-manual-hint"
                />
                <p id="policy-manual-hint" className="ml-7 text-sm text-slate-700">
                  {words.reasons.manual.hint}
                </p>
              </div>
              {reasons.map((r) => (
                <div key={r.reason}>
                  <Checkbox
                    id={`policy-${r.reason}`}
                    name="needsPerson[]"
                    value={r.reason}
                    defaultChecked={sent ? sent.includes(r.reason) : r.needsPerson}
                    label={words.reasons[r.reason].label}
                    aria-describedby={`policy-${r.reason}-hint`}
                  />
                  <p id={`policy-${r.reason}-hint`} className="ml-7 text-sm text-slate-700">
                    {words.reasons[r.reason].hint}
                  </p>
                </div>
              ))}
            </fieldset>
            <Field
              id="policy-reason"
              label={words.reason}
              hint={words.reasonHint}
              maxLength={500}
              autoComplete="off"
              {...field('reason')}
              required
            />
          </>
        );
      }}
    </ActionForm>
  );
}

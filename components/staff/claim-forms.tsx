'use client';
import { useEffect, useRef } from 'react';
import { releaseAllowanceAction, takeAllowanceAction } from '@/lib/allowances/actions';
import { releaseAction, takeAction } from '@/lib/requests/actions';
import { ActionForm } from '@/components/ui/action-form';
import {
  CLOSED_FORMS,
  stopClosedSubmit,
  useClosedForms,
  useRequestChange,
  waitsNoMore,
} from './request-watch';

/** The claim's actions for each kind of request: an unblock request's, an allowance request's. */
const ACTIONS = {
  unblock: { take: takeAction, release: releaseAction },
  allowance: { take: takeAllowanceAction, release: releaseAllowanceAction },
} as const;

/** The kinds of request that can be taken (lib/requests/claim.ts, lib/allowances/claim.ts). */
export type ClaimKind = keyof typeof ACTIONS;

/** Who the page shows holding the request, as ClaimForms gets it: `from` ('' for nobody, or mine), `mine`. */
type Shown = { from: string; mine: boolean };

/**
 * Whether the keyboard focus leaves the take button for the sentence saying who holds the request:
 * when the holder the page shows changed (`before` → `after`: the reader took it or took it over, or
 * the page now shows someone who took it meanwhile) while the focus was in the take form
 * (`focusInTake`). The button then means something else ("Keep it 20 more minutes", "Take over from
 * …"), and a second Enter would have done that. A "keep it" changes no holder: the focus stays.
 */
export function claimFocusMoves(before: Shown, after: Shown, focusInTake: boolean): boolean {
  return focusInTake && (before.from !== after.from || before.mine !== after.mine);
}

/**
 * The message a claim form (`form`: the take form, which also keeps and takes over, or the release
 * form) shows for its last answer `s`, given the request as the page now shows it: `closed` (no
 * longer waiting) and `mine` (the reader holds it). A refusal is always shown: it says what happened
 * instead. A success only while it is still true: none once the request is closed (a decision made
 * it stale); a take's ("You have taken this request…", "You keep…", "You have taken over…") only
 * while the reader holds the request, and a release's only while they do not. Before 2026-12-07 an
 * agent whose request was taken over, pressing "Release it" on a page not reloaded, read at once
 * "ana@… took this request", their own green "You have taken this request: the queue shows other
 * agents that you are calling…" and the red refusal.
 */
export function claimAnswer(
  form: 'take' | 'release',
  s: { ok?: boolean; message?: string } | undefined,
  shown: { closed: boolean; mine: boolean },
): string | undefined {
  if (!s?.ok) return s?.message;
  if (shown.closed) return undefined;
  return (form === 'take') === shown.mine ? s.message : undefined;
}

/**
 * The buttons of a request's claim (lib/requests/claim.ts), in a row: take it (or keep it longer,
 * or take it over from `from`, the holder the page shows: '' for nobody), and, for the holder
 * (`mine`), release it. `kind`: an unblock request's claim or an allowance request's (the same
 * forms, each kind's actions). Their words come from the page (`words`), in its language. Both forms
 * stay mounted at one place whatever the claim, so that after the page is drawn again with the new
 * holder (the action refreshes it) each answer stays in its live region: the release form, `closed`
 * when the reader holds nothing, still shows a refusal; `closed` (the request is no longer waiting)
 * closes both, keeping a refusal (say "no longer waiting") but not an earlier success, which a
 * decision made stale; nor is a success shown that the holder shown now contradicts (claimAnswer: a
 * take's once the reader no longer holds the request, a release's once they hold it again). `describedBy`: the id of the sentence saying who holds the request, which
 * describes both buttons, and takes the keyboard focus (it has tabindex -1: ClaimCard) when a take
 * changes who holds the request under the focus (claimFocusMoves), as a decision's notice does: the
 * take's answer is read by its live region, and a second Enter no longer keeps or takes over the
 * request unseen. `idPrefix`: put before the ids of the answers' live regions (`take-message`,
 * `release-message`) and of the take form (`take-form`), for a page with several requests ('' on a
 * request's own page). On a request page whose watch (components/staff/request-watch.tsx) found the
 * request decided, withdrawn or closed meanwhile, both buttons close without `disabled`
 * (useClosedForms: `aria-disabled`, a look that meets contrast, nothing sent), and the keyboard focus,
 * if it was on one, goes to the decision forms' line saying the forms closed (`decision-stale`,
 * DecisionForms) when the page has one, else to `describedBy`.
 */
export function ClaimForms({
  kind = 'unblock',
  requestId,
  from,
  mine,
  closed,
  describedBy,
  idPrefix = '',
  words,
}: {
  kind?: ClaimKind;
  requestId: string;
  from: string;
  mine: boolean;
  closed: boolean;
  describedBy: string;
  idPrefix?: string;
  words: { take: string; taking: string; release: string; releasing: string };
}) {
  const asShown = { closed, mine };
  const ended = waitsNoMore(useRequestChange());
  const shut = ended && !closed;
  const box = useRef<HTMLFieldSetElement>(null);
  useClosedForms(box, shut, ['decision-stale', describedBy]);
  const takeId = `${idPrefix}take-form`;
  const shown = useRef<Shown>({ from, mine });
  useEffect(() => {
    const before = shown.current;
    shown.current = { from, mine };
    const active = document.activeElement;
    const inTake = !!active && !!document.getElementById(takeId)?.contains(active);
    if (claimFocusMoves(before, { from, mine }, inTake)) document.getElementById(describedBy)?.focus();
  }, [from, mine, takeId, describedBy]);
  return (
    // A fieldset only to close both buttons at once (no legend: the card's heading names them).
    <fieldset
      ref={box}
      role="presentation"
      onSubmitCapture={stopClosedSubmit(shut)}
      className={`m-0 flex min-w-0 flex-wrap items-start gap-4 border-0 p-0 ${shut ? CLOSED_FORMS : ''}`}
    >
      <ActionForm
        id={takeId}
        action={ACTIONS[kind].take}
        hiddenFields={{ requestId, from }}
        messageId={`${idPrefix}take-message`}
        closed={closed}
        submit={words.take}
        pendingText={words.taking}
        submitDescribedBy={describedBy}
        buttonFirst
        messageOf={(s) => claimAnswer('take', s, asShown)}
        className="flex max-w-prose flex-col gap-2"
      />
      <ActionForm
        action={ACTIONS[kind].release}
        hiddenFields={{ requestId }}
        messageId={`${idPrefix}release-message`}
        closed={closed || !mine}
        submit={words.release}
        pendingText={words.releasing}
        variant="secondary"
        submitDescribedBy={describedBy}
        buttonFirst
        messageOf={(s) => claimAnswer('release', s, asShown)}
        className="flex max-w-prose flex-col gap-2"
      />
    </fieldset>
  );
}

'use client';
import { releaseAllowanceAction, takeAllowanceAction } from '@/lib/allowances/actions';
import { releaseAction, takeAction } from '@/lib/requests/actions';
import { ActionForm } from '@/components/ui/action-form';

/** The claim's actions for each kind of request: an unblock request's, an allowance request's. */
const ACTIONS = {
  unblock: { take: takeAction, release: releaseAction },
  allowance: { take: takeAllowanceAction, release: releaseAllowanceAction },
} as const;

/** The kinds of request that can be taken (lib/requests/claim.ts, lib/allowances/claim.ts). */
export type ClaimKind = keyof typeof ACTIONS;

/**
 * The buttons of a request's claim (lib/requests/claim.ts), in a row: take it (or keep it longer,
 * or take it over from `from`, the holder the page shows: '' for nobody), and, for the holder
 * (`mine`), release it. `kind`: an unblock request's claim or an allowance request's (the same
 * forms, each kind's actions). Their words come from the page (`words`), in its language. Both forms
 * stay mounted at one place whatever the claim, so that after the page is drawn again with the new
 * holder (the action refreshes it) each answer stays in its live region: the release form, `closed`
 * when the reader holds nothing, still shows a refusal; `closed` (the request is no longer waiting)
 * closes both, keeping a refusal (say "no longer waiting") but not an earlier success, which a
 * decision made stale. `describedBy`: the id of the sentence saying who holds the request, which
 * describes both buttons. `idPrefix`: put before the ids of the answers' live regions
 * (`take-message`, `release-message`), for a page with several requests ('' on a request's own page).
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
  const messageOf = (s: { ok?: boolean; message?: string } | undefined) =>
    closed && s?.ok ? undefined : s?.message;
  return (
    <div className="flex flex-wrap items-start gap-4">
      <ActionForm
        action={ACTIONS[kind].take}
        hiddenFields={{ requestId, from }}
        messageId={`${idPrefix}take-message`}
        closed={closed}
        submit={words.take}
        pendingText={words.taking}
        submitDescribedBy={describedBy}
        buttonFirst
        messageOf={messageOf}
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
        messageOf={messageOf}
        className="flex max-w-prose flex-col gap-2"
      />
    </div>
  );
}

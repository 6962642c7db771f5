'use client';
import { useFormatter, useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useTransition,
  type ReactNode,
  type RefObject,
} from 'react';
import { askServer, oneAtATime, startRefreshLoop } from '@/components/refresh-loop';
import { buttonClass } from '@/components/ui/button-class';
import { focusHeadingBefore } from '@/components/ui/focus-on-arrival';
import type { RequestChange, WatchAnswer } from '@/lib/requests/watch';
import { ZONED } from '@/lib/time/format';

/**
 * How often the request page asks whether its request changed (components/refresh-loop.ts): after
 * 5 s, then less and less often up to every 15 s while the tab is shown, never while it is hidden.
 * An agent on the phone learns within seconds that someone else decided or took the request; each
 * check is one short read (lib/requests/watch.ts). The queue's watch grows to 30 s: a list that
 * changed can wait, a decision made on an out-of-date page cannot.
 */
export const REQUEST_WATCH_EVERY = { everyMs: 5000, maxMs: 15_000 } as const;

/** The page's watch, as its parts read it: what changed (null: nothing, or no watch), and the reload. */
const Watch = createContext<{ change: RequestChange | null; reload: () => void }>({
  change: null,
  reload: () => undefined,
});

/**
 * The address the watch asks (app/api/staff/requests/[id]/watch/route.ts): the request `id`, the
 * `mark` and `back` the page was rendered with (lib/requests/detail.ts `watch`), and `known`, the
 * mark of the last answer ('' before the first), so an answer the page has already said costs the
 * server one read.
 */
export function watchUrl(id: string, watch: { mark: string; back: string }, known: string): string {
  const query = new URLSearchParams({ seen: watch.mark, back: watch.back, known });
  return `/api/staff/requests/${encodeURIComponent(id)}/watch?${query}`;
}

/** Whether `change` means the request waits no more (decided, withdrawn, closed): nothing can be decided or taken. */
export function waitsNoMore(change: RequestChange | null): boolean {
  return (
    change !== null &&
    (change.kind === 'approved' ||
      change.kind === 'denied' ||
      change.kind === 'withdrawn' ||
      change.kind === 'closed')
  );
}

/**
 * How the submit buttons of forms a request that waits no more has closed (useClosedForms) look,
 * given to the element that holds them: one look for every variant, slate-800 on slate-100 (about 13:1,
 * WCAG 1.4.3 asks 4.5:1), with no opacity (SubmitButton's `aria-disabled:opacity-60`, which is
 * for the moment a form is being sent, would take a blue button below 4.5:1: axe's
 * "color-contrast" on e2e/20). A focus ring stays: the buttons stay focusable.
 */
export const CLOSED_FORMS =
  '[&_button[aria-disabled=true]]:cursor-not-allowed [&_button[aria-disabled=true]]:border [&_button[aria-disabled=true]]:border-slate-500 [&_button[aria-disabled=true]]:bg-slate-100 [&_button[aria-disabled=true]]:text-slate-800 [&_button[aria-disabled=true]]:opacity-100';

/**
 * Whether the keyboard focus goes to the line that says the forms closed: when they close (`before`
 * false, `after` true: waitsNoMore) while it is inside them (`focusInside`), so a screen reader hears
 * why what it is on no longer acts. Not when the user is elsewhere, nor again while they stay closed.
 */
export function closedFocusMoves(before: boolean, after: boolean, focusInside: boolean): boolean {
  return !before && after && focusInside;
}

/**
 * A form submission inside forms a request that waits no more has closed (`over`): stopped before
 * the form's own handler or its action (React runs no form action whose submit event was
 * prevented), so Enter or a click on a closed button sends nothing; the server would refuse it
 * anyway. Given to the element that holds the forms as `onSubmitCapture`.
 */
export function stopClosedSubmit(over: boolean) {
  return (e: { preventDefault(): void; stopPropagation(): void }) => {
    if (!over) return;
    e.preventDefault();
    e.stopPropagation();
  };
}

/**
 * Closes the forms inside the element `ref` holds while `over` (waitsNoMore) without `disabled`,
 * which greys them below 4.5:1, throws the keyboard focus to the document and keeps what was typed
 * from being focused or copied: their submit buttons become `aria-disabled` (styled CLOSED_FORMS;
 * the caller stops their submission: stopClosedSubmit, and makes its text fields readOnly), and
 * when they close with the focus inside them (closedFocusMoves) the focus goes to the first of
 * `lineIds` the page has, a line that says so (tabindex -1). Open again (a new render of the page
 * starts a new watch), the buttons are as SubmitButton makes them.
 */
export function useClosedForms(
  ref: RefObject<HTMLElement | null>,
  over: boolean,
  lineIds: readonly string[],
) {
  const was = useRef(false);
  const lines = lineIds.join(' ');
  useEffect(() => {
    const box = ref.current;
    const before = was.current;
    was.current = over;
    if (!box || !over) return;
    const buttons = [...box.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
    for (const b of buttons) b.setAttribute('aria-disabled', 'true');
    const active = document.activeElement;
    if (closedFocusMoves(before, over, !!active && box.contains(active))) {
      const line = lines
        .split(' ')
        .map((id) => document.getElementById(id))
        .find((el) => el !== null);
      line?.focus();
    }
    return () => {
      for (const b of buttons) b.setAttribute('aria-disabled', 'false');
    };
  }, [ref, over, lines]);
}

/**
 * The staff request page's watch: while its request waits (`watch`: what the page was rendered with,
 * lib/requests/detail.ts; null once it no longer waits, and then nothing is asked), it asks the
 * server (watchUrl) every few seconds (REQUEST_WATCH_EVERY, never in a hidden tab, one question at a
 * time) whether the request is still as the page shows it. It re-renders nothing by itself: a decision
 * made meanwhile would close the decision forms and drop a note half typed in them, and the page would
 * move under an agent who is on the phone. Its parts say it instead: RequestWatchNotice at the top (a
 * polite live region, with "Show this request as it is now"), and the forms (DecisionForms, ClaimForms
 * read useRequestChange), closed or marked out of date. A new render of the page (that button, a
 * form's answer, the lift's auto-refresh) brings a new `watch` and starts afresh. Rendered on every
 * request page at the same place, whether or not it watches, so that the forms inside keep their state.
 */
export function RequestWatch({
  requestId,
  watch,
  children,
}: {
  requestId: string;
  watch: { mark: string; back: string } | null;
  children: ReactNode;
}) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const mark = watch?.mark ?? null;
  const back = watch?.back ?? '';
  const [found, setFound] = useState<{ mark: string | null; change: RequestChange | null }>({
    mark,
    change: null,
  });
  if (found.mark !== mark) setFound({ mark, change: null });
  useEffect(() => {
    if (mark === null) return;
    let live = true;
    let known = '';
    const check = oneAtATime(async () => {
      const res = await askServer(watchUrl(requestId, { mark, back }, known));
      // Signed out, gone, refused or unreachable: the page stays as it is, as the queue's watch does.
      if (!live || !res?.ok) return;
      const answer = (await res.json().catch(() => null)) as WatchAnswer | null;
      if (!live || typeof answer?.mark !== 'string') return;
      known = answer.mark;
      if ('same' in answer) return;
      setFound({ mark, change: answer.change });
    });
    const stop = startRefreshLoop(check, document, REQUEST_WATCH_EVERY);
    return () => {
      live = false;
      stop();
    };
  }, [requestId, mark, back]);
  const change = found.mark === mark ? found.change : null;
  const reload = () => startTransition(() => router.refresh());
  return <Watch value={{ change, reload }}>{children}</Watch>;
}

/** What changed on the request since its page was drawn (RequestWatch), or null. */
export function useRequestChange(): RequestChange | null {
  return useContext(Watch).change;
}

/**
 * The watch's notice at the top of the request page: what happened ("sam@… denied this request on
 * …", "rita@… took this request over from you on …") and "Show this request as it is now", in a
 * polite live region that is there, empty, from the start (a region added with its words is not
 * reliably read). The button draws the page again in place (router.refresh: what is typed in forms
 * that stay open stays); the notice then goes, and the keyboard focus with it goes to the page's
 * heading before the notice (focusHeadingBefore), not to the document.
 */
export function RequestWatchNotice() {
  const { change, reload } = useContext(Watch);
  const t = useTranslations('staff.decision.watch');
  const format = useFormatter();
  const region = useRef<HTMLDivElement>(null);
  const pressed = useRef(false);
  useEffect(() => {
    if (change || !pressed.current) return;
    pressed.current = false;
    const active = document.activeElement;
    if (region.current && (!active || active === document.body)) focusHeadingBefore(region.current);
  }, [change]);
  const when = (at: string) => format.dateTime(new Date(at), ZONED);
  return (
    <div ref={region} role="status" aria-live="polite">
      {change ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {changeText(t, change, when)}{' '}
          <button
            type="button"
            className={buttonClass('secondary', 'mt-2 block')}
            onClick={() => {
              pressed.current = true;
              reload();
            }}
          >
            {t('show')}
          </button>
        </p>
      ) : null}
    </div>
  );
}

/**
 * The sentence of `change` (messages `staff.decision.watch.*`) through `t`, its times through `when`
 * (an ISO 8601 time in the reader's words).
 */
export function changeText(
  t: (key: string, values?: Record<string, string>) => string,
  change: RequestChange,
  when: (at: string) => string,
): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  switch (change.kind) {
    case 'approved':
    case 'denied':
      return t(change.kind, { you: yes(change.you), by: change.by, at: when(change.at) });
    case 'withdrawn':
      return t('withdrawn', { by: change.by ?? 'none', at: when(change.at) });
    case 'closed':
      return t('closed', { at: when(change.at) });
    case 'cameBack':
      return t('cameBack', { by: change.by ?? 'none', you: yes(change.you), at: when(change.at) });
    case 'taken':
      return t('taken', {
        you: yes(change.you),
        fromYou: yes(change.fromYou),
        by: change.by,
        at: when(change.at),
      });
    case 'released':
      return t('released');
    case 'changed':
      return t('changed');
  }
}

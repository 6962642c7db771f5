'use client';
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import type { DecisionBanner } from '@/lib/requests/decision-banner';

/**
 * How long after a decision the request page may still bring its notice as news (ms): the redirect
 * that follows the decision lands within seconds. Later (the address reopened from the browser's
 * history in another tab, a reload an hour on) the page says where the request stands, with no
 * notice of a decision "just made".
 */
export const JUST_DECIDED_MS = 2 * 60_000;

/** sessionStorage key of the notices this tab has brought (`<decision id>:<banner>`, the latest 50). */
const STORE = 'tollgate.decisionNotices';
/** The same list where sessionStorage cannot be used (storage turned off): this document's only. */
const memory = new Set<string>();

function brought(key: string): boolean {
  try {
    return (JSON.parse(sessionStorage.getItem(STORE) ?? '[]') as string[]).includes(key);
  } catch {
    return memory.has(key);
  }
}

function remember(key: string): void {
  memory.add(key);
  try {
    const list = JSON.parse(sessionStorage.getItem(STORE) ?? '[]') as string[];
    sessionStorage.setItem(STORE, JSON.stringify([...list.filter((k) => k !== key), key].slice(-50)));
  } catch {
    // Storage turned off: this document's memory above still holds it.
  }
}

/**
 * `pending`: drawn (on the server, or before the browser has looked) but not yet known to be news;
 * `shown`: news, brought with the focus; `hidden`: not news.
 */
type Phase = 'pending' | 'shown' | 'hidden';

/**
 * The staff request page's notice after a decision (`kind`: lib/requests/decision-banner.ts, which
 * checks `?done=` against the request as it is now; `children`: its sentence), brought only on the
 * navigation right after the decision. `decision` is the one it reports (an id: the agent's approval
 * or denial on the block's timeline, or the request; and when it was made, ISO 8601; null when none
 * is known), `renderedAt` when the server drew the page (ISO 8601, the same clock). The notice is news
 * when the decision is younger than JUST_DECIDED_MS and this tab has not brought this notice of it
 * before (sessionStorage): Back to the page after "Next request" (which reloads it), the address
 * reopened from the history or a reload later say where the request stands, and no decision as if
 * just made. Once brought, it stays for the page's life (its auto-refresh), saying what the request
 * bears out now. Without JavaScript the server's drawing stands: the notice, with `?done=`.
 *
 * It takes the keyboard focus as it appears, once the browser knows it is news, and is read then,
 * once: the page puts it in no live region, which would read it a second time. Each new decision made
 * on the page (again, after `liftUndone`) brings its notice anew, and it takes the focus the same way.
 *
 * A notice that changes while it is shown is said too, once, without taking the focus back: the
 * page's auto-refresh turns `approved` into `liftUndone` when the switch refuses the lift, while the
 * agent may be anywhere on the page. The new sentence goes, in place of the first, into a live region
 * inside the notice, there and empty since the notice arrived (a region added with its words is not
 * reliably read). Only a notice brought with the focus counts as brought: a `liftUndone` said that way
 * is brought again, with the focus, by a reload soon after.
 */
export function DecisionNotice({
  kind,
  decision,
  renderedAt,
  children,
}: {
  kind: DecisionBanner;
  decision: { id: string; at: string } | null;
  renderedAt: string;
  children: ReactNode;
}) {
  const id = decision?.id ?? '';
  const fresh = decision !== null && Date.parse(renderedAt) - Date.parse(decision.at) < JUST_DECIDED_MS;
  // One round per decision: the notice it arrived with, and whether it is news.
  const start = () => ({ id, kind, phase: (fresh ? 'pending' : 'hidden') as Phase });
  const [round, setRound] = useState(start);
  if (round.id !== id) setRound(start());
  // What the browser found for this round (a ref: React runs an effect twice in development).
  const found = useRef<{ id: string; news: boolean } | null>(null);
  useLayoutEffect(() => {
    if (round.phase !== 'pending') return;
    if (found.current?.id !== round.id) {
      const key = `${round.id}:${round.kind}`;
      const news = !brought(key);
      if (news) remember(key);
      found.current = { id: round.id, news };
    }
    const phase: Phase = found.current.news ? 'shown' : 'hidden';
    setRound((r) => (r.id === round.id ? { ...r, phase } : r));
  }, [round]);
  if (round.id !== id || round.phase === 'hidden') return null;
  const later = kind !== round.kind;
  return (
    <FocusOnArrival key={round.id} focus={round.phase === 'shown'}>
      {later ? null : children}
      <span aria-live="polite">{later ? children : null}</span>
    </FocusOnArrival>
  );
}

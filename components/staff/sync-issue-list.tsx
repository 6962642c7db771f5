'use client';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

/** One out-of-sync entry as the server rendered it: `at` (ISO 8601, detectedAt) and `id` order the list. */
export type SyncEntry = { id: string; at: string; node: ReactNode };

type EntryState = {
  /** No longer listed by the server (resolved): its form shows only its answer. */
  gone: boolean;
  /** Called as the entry's form is sent: the entry stays until the answer says whether to. */
  sent: () => void;
  /** Called with the form's answer (ActionForm `onAnswer`): whether its closed form shows it. */
  answered: (stays: boolean) => void;
};

const EntryContext = createContext<EntryState>({
  gone: false,
  sent: () => undefined,
  answered: () => undefined,
});

/** The state of the out-of-sync entry around the caller (SyncIssueList), for its resolve form. */
export function useSyncEntry(): EntryState {
  return useContext(EntryContext);
}

const byFound = (a: SyncEntry, b: SyncEntry) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * The section of out-of-sync entries: `head` (its heading, id `labelledBy`, and intro), the entries the
 * server lists (oldest first) and those resolved from this page since it opened, or `empty`, then `foot`
 * (page links). "Mark resolved" refreshes the page, which no longer lists the entry, and the form's
 * answer ("Marked as resolved.") would go with it, and the keyboard focus to the document. Such an
 * entry stays where it was, with its resolve form closed (ActionForm `closed`: the answer stays in its
 * live region), until the page is opened again. It stays only while its form has an answer to show:
 * kept from the moment the form is sent (the refreshed page may come before the answer) until the
 * answer says otherwise. An entry whose last answer was a field error ("Enter a note"), and that
 * someone else resolved meanwhile, goes as the server says, like any entry resolved elsewhere: its
 * closed form would show nothing, and the entry neither a button nor a word of why.
 *
 * `hideEmpty`: with no entry to show the section is hidden, heading and all (the staff home's first
 * page: an agent with nothing out of sync sees nothing of it), and shown while an entry resolved here
 * stays, even the last open one. Decided here rather than in CSS: `:has(li)` is unknown to Firefox
 * before 121 (ESR 115 among them), which showed an empty section. Hidden, not removed, so the entries'
 * forms keep their answers.
 */
export function SyncIssueList({
  entries,
  empty,
  labelledBy,
  head,
  foot,
  hideEmpty = false,
}: {
  entries: SyncEntry[];
  empty: ReactNode;
  labelledBy: string;
  head: ReactNode;
  foot?: ReactNode;
  hideEmpty?: boolean;
}) {
  // Entries sent from here whose answer (none yet, or the last) their closed form would show.
  const [kept, setKept] = useState<ReadonlySet<string>>(() => new Set());
  const [shown, setShown] = useState(entries);
  const [last, setLast] = useState(entries);
  const listed = new Set(entries.map((e) => e.id));
  if (last !== entries) {
    setShown([...entries, ...shown.filter((e) => !listed.has(e.id) && kept.has(e.id))].sort(byFound));
    setLast(entries);
  }
  const keep = useCallback(
    (id: string, stays: boolean) =>
      setKept((s) => {
        if (s.has(id) === stays) return s;
        const next = new Set(s);
        if (stays) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  // Filtered on every render, not only when the server's list changes: an answer that arrives after
  // the refresh that dropped its entry takes the entry away with it.
  const visible = shown.filter((e) => listed.has(e.id) || kept.has(e.id));
  return (
    <section
      aria-labelledby={labelledBy}
      className="flex flex-col gap-3"
      hidden={hideEmpty && visible.length === 0}
    >
      {head}
      {visible.length ? (
        <ul className="flex flex-col gap-3">
          {visible.map((e) => (
            <li key={e.id} className="rounded-md border border-red-300 bg-red-50 p-3">
              <EntryContext
                value={{
                  gone: !listed.has(e.id),
                  sent: () => keep(e.id, true),
                  answered: (stays) => keep(e.id, stays),
                }}
              >
                {e.node}
              </EntryContext>
            </li>
          ))}
        </ul>
      ) : (
        <p>{empty}</p>
      )}
      {foot}
    </section>
  );
}

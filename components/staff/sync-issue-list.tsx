'use client';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

/** One out-of-sync entry as the server rendered it: `at` (ISO 8601, detectedAt) and `id` order the list. */
export type SyncEntry = { id: string; at: string; node: ReactNode };

type EntryState = {
  /** No longer listed by the server (resolved): its form shows only its answer. */
  gone: boolean;
  /** Called as the entry's form is sent: an entry resolved from this page stays on it. */
  sent: () => void;
};

const EntryContext = createContext<EntryState>({ gone: false, sent: () => undefined });

/** The state of the out-of-sync entry around the caller (SyncIssueList), for its resolve form. */
export function useSyncEntry(): EntryState {
  return useContext(EntryContext);
}

const byFound = (a: SyncEntry, b: SyncEntry) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * The out-of-sync entries the server lists (oldest first), and those resolved from this page since it
 * opened: "Mark resolved" refreshes the page, which no longer lists the entry, and the form's answer
 * ("Marked as resolved.") would go with it, and the keyboard focus to the document. Such an entry stays
 * where it was, with its resolve form closed (ActionForm `closed`: the answer stays in its live region),
 * until the page is opened again. An entry resolved by someone else goes as the server says. The list
 * is a `ul` of `li` only while it shows an entry: the staff home hides its section when it has none
 * (CSS `:has(li)`), and keeps it while an entry resolved here stays, even the last open one.
 */
export function SyncIssueList({ entries, empty }: { entries: SyncEntry[]; empty: ReactNode }) {
  const [sentIds, setSentIds] = useState<ReadonlySet<string>>(() => new Set());
  const [shown, setShown] = useState(entries);
  const [last, setLast] = useState(entries);
  const listed = new Set(entries.map((e) => e.id));
  if (last !== entries) {
    const kept = shown.filter((e) => !listed.has(e.id) && sentIds.has(e.id));
    setShown([...entries, ...kept].sort(byFound));
    setLast(entries);
  }
  const markSent = useCallback((id: string) => setSentIds((s) => new Set(s).add(id)), []);
  if (!shown.length) return <p>{empty}</p>;
  return (
    <ul className="flex flex-col gap-3">
      {shown.map((e) => (
        <li key={e.id} className="rounded-md border border-red-300 bg-red-50 p-3">
          <EntryContext value={{ gone: !listed.has(e.id), sent: () => markSent(e.id) }}>
            {e.node}
          </EntryContext>
        </li>
      ))}
    </ul>
  );
}

'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

const KEY = 'tollgate.tz-reported';

/** What components/time-zone.worker.ts answers. */
type Zone = { tz: string; listed: boolean };

/**
 * Reports the browser's time zone once per browser session after sign-in (password or email link
 * alike), so every time shows in the reader's own clock. The sign-in forms carry the zone already
 * (components/ui/time-zone-field.tsx), so this usually finds it stored and sends nothing; it brings
 * the zone when they could not (a sign-in with JavaScript off) or when it changed since (a trip).
 * The server keeps a zone the user chose in the profile; when it adopts this one, the page
 * re-renders in it. The zone is read in a Web Worker:
 * on the main thread it was the page's first use of Intl, and loading ICU's data then was the
 * longest task of a signed-in page's hydration after React's own (bench/README.md "lighthouse").
 * `userId`: the signed-in user; the tab's mark that the zone was reported is theirs only.
 */
export function TimeZoneCapture({
  stored,
  action,
  userId,
}: {
  stored: string;
  action: Action;
  userId: string;
}) {
  const router = useRouter();
  useEffect(() => {
    const report = ({ tz, listed }: Zone) => {
      // Only a zone this browser itself lists (the server checks again: canonicalTimeZone in
      // lib/time/format.ts), and once per tab and user once the server has answered for that user:
      // a refusal is not sent again on every page. A report that got no answer (the person left the
      // page before it arrived, or the network failed) is sent again by the next page; adopting is
      // idempotent. So is one the wrapper answered without a user (`ok` unset: the session ended, or
      // its second factor is pending), and one from another login on this tab (sessionStorage
      // outlives sign-out): the mark names the user (review 13).
      const mark = `${userId} ${tz}`;
      if (!tz || tz === stored || !listed || sessionStorage.getItem(KEY) === mark) return;
      const form = new FormData();
      form.set('tz', tz);
      action(undefined, form).then(
        (r) => {
          if (r.ok !== undefined || r.fieldErrors) sessionStorage.setItem(KEY, mark);
          if (r.ok) router.refresh();
        },
        () => undefined,
      );
    };
    // No module workers here, or the worker could not load: read it on the main thread, as before.
    const onMainThread = () => {
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
      report({ tz, listed: tz !== '' && Intl.supportedValuesOf('timeZone').includes(tz) });
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL('./time-zone.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      onMainThread();
      return;
    }
    worker.onmessage = (e: MessageEvent<Zone>) => {
      worker.terminate();
      report(e.data);
    };
    worker.onerror = () => {
      worker.terminate();
      onMainThread();
    };
    return () => worker.terminate();
  }, [stored, action, router, userId]);
  return null;
}

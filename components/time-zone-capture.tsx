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
 * alike), so every time shows in the reader's own clock. The server keeps a zone the user chose in
 * the profile; when it adopts this one, the page re-renders in it. The zone is read in a Web Worker:
 * on the main thread it was the page's first use of Intl, and loading ICU's data then was the
 * longest task of a signed-in page's hydration after React's own (bench/README.md "lighthouse").
 */
export function TimeZoneCapture({ stored, action }: { stored: string; action: Action }) {
  const router = useRouter();
  useEffect(() => {
    const report = ({ tz, listed }: Zone) => {
      // Only a zone this browser itself lists (the server checks again: canonicalTimeZone in
      // lib/time/format.ts), and once per tab once the server has answered: a refusal is not sent
      // again on every page. A report that got no answer (the person left the page before it
      // arrived, or the network failed) is sent again by the next page; adopting is idempotent.
      if (!tz || tz === stored || !listed || sessionStorage.getItem(KEY) === tz) return;
      const form = new FormData();
      form.set('tz', tz);
      action(undefined, form).then(
        (r) => {
          sessionStorage.setItem(KEY, tz);
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
  }, [stored, action, router]);
  return null;
}

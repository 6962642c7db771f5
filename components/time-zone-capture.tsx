'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import type { ActionState } from '@/lib/server/safe-action';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

const KEY = 'tollgate.tz-reported';

/**
 * Reports the browser's time zone once per browser session after sign-in (password or email link
 * alike), so every time shows in the reader's own clock. The server keeps a zone the user chose in
 * the profile; when it adopts this one, the page re-renders in it.
 */
export function TimeZoneCapture({ stored, action }: { stored: string; action: Action }) {
  const router = useRouter();
  useEffect(() => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // Only a zone this browser itself lists (the server checks again: canonicalTimeZone in
    // lib/time/format.ts), and once per tab: a failed report is not retried on every page.
    if (
      !tz ||
      tz === stored ||
      !Intl.supportedValuesOf('timeZone').includes(tz) ||
      sessionStorage.getItem(KEY) === tz
    )
      return;
    sessionStorage.setItem(KEY, tz);
    const form = new FormData();
    form.set('tz', tz);
    action(undefined, form).then(
      (r) => r.ok && router.refresh(),
      () => undefined,
    );
  }, [stored, action, router]);
  return null;
}

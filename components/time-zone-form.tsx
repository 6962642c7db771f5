'use client';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect } from 'react';
import { useTranslations } from 'next-intl';
import { echoed } from '@/components/ui/echoed';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';
import type { ZoneOption } from '@/lib/time/format';

type Action = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/** The profile's time zone: every time in the portal and in mail is shown in it, with the zone named. */
export function TimeZoneForm({
  action,
  current,
  zones,
  followsBrowser,
}: {
  action: Action;
  current: string;
  zones: ZoneOption[];
  followsBrowser: boolean;
}) {
  const router = useRouter();
  // The server action itself is the form's action, not a client function around it: a browser
  // without JavaScript then posts the form and gets the page back with the answer (a client
  // function cannot be posted, and Save did nothing at all).
  const [state, formAction] = useActionState(action, undefined);
  // A saved zone re-renders the page (the action revalidates nothing): the zone named above the list,
  // the hint, and the list itself, keyed by `current`. React resets a form after its action, and
  // without the new `current` the list went back to the zone the page was rendered with, so the next
  // Save put that zone back (review 13).
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const t = useTranslations('profile.timeZone');
  const error = state?.fieldErrors?.timeZone?.join(' ');
  // After a failure the list keeps the zone that was chosen (the action echoes it), when it is one of them.
  const kept = echoed(state, 'timeZone');
  const shown = kept && zones.some((z) => z.zone === kept) ? kept : current;
  return (
    <form action={formAction} className="flex max-w-md flex-col gap-3" noValidate>
      <div className="flex flex-col gap-1">
        <label htmlFor="timeZone" className="font-medium">
          {t('label')}
        </label>
        <p id="timeZone-hint" className="text-sm text-slate-600">
          {followsBrowser ? t('follows') : t('chosen')}
        </p>
        {/* Keyed by the stored zone: when the browser's zone is adopted while this page is open
            (TimeZoneCapture refreshes it), or a choice is saved (refreshed above), the list shows the
            new one instead of keeping the old default. */}
        <select
          key={shown}
          id="timeZone"
          name="timeZone"
          defaultValue={shown}
          aria-describedby={`timeZone-hint${error ? ' timeZone-error' : ''}`}
          aria-invalid={error ? true : undefined}
          className="rounded-md border border-slate-400 bg-white px-3 py-2"
        >
          {zones.map((z) => (
            <option key={z.zone} value={z.zone}>
              {z.label}
            </option>
          ))}
        </select>
        {error ? (
          <p id="timeZone-error" className="text-sm text-red-800">
            {error}
          </p>
        ) : null}
      </div>
      <FormMessage id="time-zone-message" message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton pendingText={t('saving')}>{t('save')}</SubmitButton>
      </div>
    </form>
  );
}

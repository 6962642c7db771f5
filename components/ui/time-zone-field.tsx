'use client';
import type { FormEvent } from 'react';

/** The name of the field that carries the browser's zone; the sign-in actions read it (lib/time/zone.ts). */
export const TIME_ZONE_FIELD = 'tz';

/**
 * The hidden field a sign-in form (password, the emailed link's Continue, the second factor's code)
 * carries the browser's IANA time zone in, so the first page after sign-in is already in the
 * reader's clock. Empty until the form is submitted: putBrowserTimeZone, the form's onSubmit, fills
 * it. With JavaScript off (or a submit before hydration) it stays empty; the server then adopts
 * nothing and the header's background report (components/time-zone-capture.tsx) does as before.
 */
export function TimeZoneField() {
  return <input type="hidden" name={TIME_ZONE_FIELD} defaultValue="" />;
}

/**
 * A form's onSubmit: writes the browser's zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`,
 * e.g. "Europe/London") into its TimeZoneField. React builds the action's FormData after the
 * onSubmit handlers ran, so the value goes with this submission. Read here, not at page load: a
 * main-thread Intl read during hydration was its longest task (see time-zone-capture.tsx). Never
 * stops the submission: a browser without the zone sends none, and the server checks what it gets
 * (canonicalTimeZone in lib/time/format.ts).
 */
export function putBrowserTimeZone(e: FormEvent<HTMLFormElement>): void {
  const field = e.currentTarget.elements.namedItem(TIME_ZONE_FIELD);
  if (!(field instanceof HTMLInputElement)) return;
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    field.value = '';
  }
}

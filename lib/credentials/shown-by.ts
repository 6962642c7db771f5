// No 'server-only': the SIP password form (components/sip/reset-form.tsx) writes this field, and the
// action (lib/credentials/actions.ts, a 'use server' module, which may export only actions) reads it.

/**
 * The hidden field of the SIP password form that says what shows the new password once the switch has
 * it: `page` while the page's script has not run (the server renders the form so, and a browser
 * without JavaScript posts it so: the answer is a page, and the server's render of it must show the
 * password, the one time it is shown), `browser` once it has (the form shows the password from the
 * browser's own memory, and the answer carries none). Anything else, or no field, is `browser`.
 */
export const SHOWN_BY_FIELD = 'shownBy';

/** The values of SHOWN_BY_FIELD. */
export const SHOWN_BY = ['page', 'browser'] as const;
export type ShownBy = (typeof SHOWN_BY)[number];

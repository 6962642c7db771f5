import type { AbstractIntlMessages } from 'next-intl';

// Which catalogue namespaces cross the wire to the browser. Server components translate on the
// server; only client components read messages in the browser, and every namespace sent is
// serialized into every page's HTML (the staff namespace alone is ~10 KB of JSON per request).

/**
 * The namespaces client components read: the sign-in, profile and two-factor forms, the strength
 * meter and the SIP password form (strength, password, reset), and the unblock forms. Only the
 * segments that hold such forms send them (components/i18n/client-messages.tsx); the error boundary
 * gets its words from the root layout (lib/i18n/error-text.ts).
 */
export const CLIENT_NAMESPACES = [
  'signIn',
  'profile',
  'strength',
  'password',
  'reset',
  'unblock',
  'mfa',
] as const;

/**
 * What the client components under /blocks read: the unblock forms (misdial, firewall) and the
 * block page's "Withdraw" button, all under `unblock`; the allowance form gets its words as props.
 * The block page used to send every CLIENT_NAMESPACES entry (≈ 12.8 KB of JSON, in its RSC payload and
 * again in its HTML) on every view (issue 14, bench/README.md "pages");
 * tests/unit/client-namespaces.test.ts checks that the forms there read nothing else.
 */
export const BLOCK_CLIENT_NAMESPACES = ['unblock'] as const;

/**
 * What the staff console's client forms read (decisions, manual blocks, sync issues, staff logins,
 * allowances: all under `staff`); only /staff pages send it (app/staff/layout.tsx). None of them reads
 * the customer forms' namespaces, which were ~12 KB of JSON on every staff page (twice: RSC and HTML).
 */
export const STAFF_CLIENT_NAMESPACES = ['staff'] as const;

/** The part of the catalogue `all` under `namespaces` (missing ones are left out). */
export function pickMessages(all: AbstractIntlMessages, namespaces: readonly string[]): AbstractIntlMessages {
  return Object.fromEntries(namespaces.filter((k) => k in all).map((k) => [k, all[k]]));
}

import type { AbstractIntlMessages } from 'next-intl';

// Which catalogue namespaces cross the wire to the browser. Server components translate on the
// server; only client components read messages in the browser, and every namespace sent is
// serialized into every page's HTML (the staff namespace alone is ~10 KB of JSON per request).

// Each layout that holds forms translating in the browser sends only what its own forms read (the
// constants below, through components/i18n/client-messages.tsx); tests/unit/client-namespaces.test.ts
// checks each constant against the client components under its segment. Seven namespaces in all are
// read by some client component (signIn, profile, strength, password, reset, unblock, mfa: ≈ 12 KB of
// JSON), and every segment used to send all of them, in the RSC payload and again in the HTML. The
// error boundary gets its words from the root layout (lib/i18n/error-text.ts). /sign-in and /credentials
// render no provider: the sign-in form gets its words as props (components/sign-in-form.tsx), and the
// SIP password form its fixed words and the meter's messages, so neither page's first load carries a
// message formatter.

/**
 * What the SIP password form under /credentials words in the browser: its strength meter's verdicts
 * (the worker's notes: `password.*` problems and crack times, the levels `strength.0` … `strength.4`)
 * and the generator's length note. The reset page passes these to the form itself, with no next-intl
 * provider: the form loads the formatter on the first keystroke (components/sip/lazy-translator.ts),
 * and gets its fixed words (`reset.*`) as props. The segment used to send all seven namespaces.
 */
export const CREDENTIALS_CLIENT_NAMESPACES = ['password', 'strength'] as const;

/**
 * What the client components under /profile read: the password change form and its strength meter
 * (`profile`, `password.*`, `strength.*`), the time-zone form (`profile.timeZone`) and the new
 * recovery codes' list (`mfa.recovery`).
 */
export const PROFILE_CLIENT_NAMESPACES = ['profile', 'password', 'strength', 'mfa'] as const;

/** What the client components under /security read: the two-factor enrolment and recovery codes (`mfa`). */
export const SECURITY_CLIENT_NAMESPACES = ['mfa'] as const;

/**
 * What the client components under /blocks read: the unblock forms (misdial, firewall) and the
 * block page's "Withdraw" button, all under `unblock`; the allowance form gets its words as props.
 * The block page used to send all seven client namespaces (≈ 12.8 KB of JSON, in its RSC payload and
 * again in its HTML) on every view (issue 14, bench/README.md "pages");
 * tests/unit/client-namespaces.test.ts checks that the forms there read nothing else.
 */
export const BLOCK_CLIENT_NAMESPACES = ['unblock'] as const;

/**
 * What the staff console's client forms read: decisions (`staff.decision`, with the other open
 * blocks' choice: `staff.other`, `staff.labels`), manual blocks (`staff.account`), sync issues
 * (`staff.sync`), staff logins (`staff.users`), a customer's portal logins (`staff.logins`) and allowances (`staff.allowances`); the request,
 * account and users pages send them (their page.tsx). The rest of `staff` (≈ 6.5 KB of JSON: the
 * queue, search, audit, request page and hint words) is read by server components only, and every
 * staff page used to send the whole namespace (12.8 KB), in its RSC payload and again in its HTML.
 * None of the customer forms' namespaces is sent either.
 */
export const STAFF_CLIENT_NAMESPACES = [
  'staff.account',
  'staff.allowances',
  'staff.decision',
  'staff.labels',
  'staff.logins',
  'staff.other',
  'staff.sync',
  'staff.users',
] as const;

/**
 * What the queue page (app/staff/page.tsx) sends, and only around its list of sync issues when it
 * has one: the "resolve" form (`staff.sync`), and the choice of other blocks its note form
 * can show (`staff.other`, `staff.labels`; the resolve form does not, but it is in the form's
 * bundle). A search and the audit log have no client form that translates, so they send no
 * catalogue at all (it was ≈ 6.8 KB of JSON in every staff page's RSC payload, written again into
 * its HTML; issue 14, bench/README.md "staff", twelfth pass).
 */
export const STAFF_QUEUE_CLIENT_NAMESPACES = [
  'staff.labels',
  'staff.other',
  'staff.sync',
  'staff.queueWatch',
] as const;

/**
 * The part of the catalogue `all` under `namespaces`, each a top-level namespace (`unblock`) or a
 * dotted path into one (`staff.decision`), kept at its place in the tree so `useTranslations` reads
 * it by the same path. Missing paths are left out.
 */
export function pickMessages(all: AbstractIntlMessages, namespaces: readonly string[]): AbstractIntlMessages {
  const out: AbstractIntlMessages = {};
  for (const namespace of namespaces) {
    const keys = namespace.split('.');
    let from: AbstractIntlMessages | string | undefined = all;
    for (const key of keys) from = typeof from === 'object' ? from[key] : undefined;
    if (from === undefined) continue;
    let to = out;
    for (const key of keys.slice(0, -1)) {
      const next: AbstractIntlMessages | string | undefined = to[key];
      to = (to[key] = typeof next === 'object' ? next : {}) as AbstractIntlMessages;
    }
    to[keys[keys.length - 1]!] = from;
  }
  return out;
}

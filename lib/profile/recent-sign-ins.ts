import 'server-only';
import Bowser from 'bowser';
import { db } from '@/lib/server/db';
import { signInStage } from '@/lib/staff/audit-detail';

// A person's own recent sign-ins, read from the audit log for their profile (app/profile/page.tsx):
// so that a customer can see a sign-in that was not theirs and sign out everywhere (OWASP ASVS 5.0
// V6/V7: tell users of recent authentication activity on their account).

/** How far back the profile looks (days), and how many rows it shows at most. */
export const RECENT_SIGN_IN_DAYS = 30;
export const RECENT_SIGN_IN_MAX = 10;
// Of each kind: the login's own sign-ins, and the attempts with its address. One list capped as a
// whole let anyone hide a sign-in: the thief signs in, then makes ten wrong guesses with the
// address, and the sign-in fell off the list (a tester, 2026-12-07). Up to twice the cap in all.

/**
 * What happened: a sign-in (password or link; or a two-factor code accepted), a password or link
 * accepted with the two-factor code still to give (`pending`: not signed in by it), a refused
 * two-factor code (`codeFailed`), a refused password, a sign-in paused for too many attempts; and
 * `accepted`, a sign-in row written before 2026-12-07, which never said whether a code was still due.
 */
export type SignInKind = 'signedIn' | 'accepted' | 'pending' | 'codeFailed' | 'failed' | 'throttled';

/** One row of the profile's "Recent sign-ins": a DTO, never the audit row (no detail, no ids of others). */
export type RecentSignIn = {
  id: string;
  at: Date;
  kind: SignInKind;
  /** The address the request came from, as the audit log holds it (IPv4 or IPv6 text), or null. */
  ip: string | null;
  /** The browser (name and major version, "Chrome 131") and system ("macOS") named from the user agent; null when unnamed. */
  browser: string | null;
  system: string | null;
};

/** The failures are written with no login (nobody signed in), under the address typed (lib/auth/sign-in.ts). */
const FAILED = { 'sign_in.failure': 'failed', 'sign_in.throttled': 'throttled' } as const;

/**
 * The rows of their own login: a sign-in's first step (`sign_in.success`, whose detail says since
 * 2026-12-07 whether the code is still due: lib/staff/audit-detail.ts signInStage), the code accepted
 * (`mfa.verified`, `mfa.recovery_code_used`: the sign-in completes) or refused (`mfa.failure`).
 */
const OWN: Record<string, SignInKind> = {
  'sign_in.success': 'signedIn',
  'mfa.verified': 'signedIn',
  'mfa.recovery_code_used': 'signedIn',
  'mfa.failure': 'codeFailed',
};

/** A sign_in.success row by how far its sign-in got (lib/staff/audit-detail.ts signInStage, the one reading). */
const STAGE = { pending: 'pending', complete: 'signedIn', unrecorded: 'accepted' } as const satisfies Record<
  NonNullable<ReturnType<typeof signInStage>>,
  SignInKind
>;

const kindOf = (r: { action: string; detail: string | null }): SignInKind => {
  if (r.action in FAILED) return FAILED[r.action as keyof typeof FAILED];
  // An older row never said whether a code was still due: accepted, not known to be complete.
  const stage = signInStage(r.action, r.detail);
  return stage ? STAGE[stage] : (OWN[r.action] ?? 'signedIn');
};

/**
 * The signed-in user's own sign-ins and the failed or throttled attempts made with their address,
 * newest first: the last RECENT_SIGN_IN_DAYS days before `now`, at most RECENT_SIGN_IN_MAX of each. Scoped to
 * `user` in the query: their login's sign-in rows (OWN; the (actorId, at) index) and the rows
 * with no login under their address (the partial (actorEmail, at) index of migration 0023, `actorId`
 * null), each read in order up to the limit and merged. `user.email` is the login's address as stored
 * (lower case, ASCII domain), as the sign-in code writes it.
 */
export async function recentSignIns(
  user: { id: string; email: string },
  now: Date = new Date(),
): Promise<RecentSignIn[]> {
  const since = new Date(now.getTime() - RECENT_SIGN_IN_DAYS * 86_400_000);
  const select = { id: true, at: true, action: true, ip: true, userAgent: true, detail: true } as const;
  const order = [{ at: 'desc' as const }, { id: 'desc' as const }];
  const [own, tried] = await Promise.all([
    db.auditLog.findMany({
      where: { actorId: user.id, action: { in: Object.keys(OWN) }, at: { gte: since } },
      orderBy: order,
      take: RECENT_SIGN_IN_MAX,
      select,
    }),
    db.auditLog.findMany({
      where: {
        actorId: null,
        actorEmail: user.email,
        action: { in: Object.keys(FAILED) },
        at: { gte: since },
      },
      orderBy: order,
      take: RECENT_SIGN_IN_MAX,
      select,
    }),
  ]);
  return [...own, ...tried]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((r) => ({ id: r.id, at: r.at, kind: kindOf(r), ip: r.ip, ...namedAgent(r.userAgent) }));
}

/**
 * The browser ("Firefox 133": name and major version) and operating system ("Windows") a User-Agent
 * header names (RFC 9110 §10.1.5), read by bowser; each null when the header is absent or names none
 * (a script, a scanner).
 */
export function namedAgent(userAgent: string | null): { browser: string | null; system: string | null } {
  if (!userAgent) return { browser: null, system: null };
  const p = Bowser.parse(userAgent);
  const major = p.browser.version?.split('.')[0];
  return {
    browser: p.browser.name ? [p.browser.name, major].filter(Boolean).join(' ') : null,
    system: p.os.name || null,
  };
}

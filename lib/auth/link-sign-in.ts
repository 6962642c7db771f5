import 'server-only';
import { CredentialsSignin } from 'next-auth';
import { displayEmail } from '@/lib/auth/email-address';
import { audit } from '@/lib/audit/log';
import { countSignIn } from '@/lib/server/metrics';
import { signIn } from '@/lib/auth/config';
import type { DeviceLogin } from '@/lib/auth/known-device';
import { grantLinkSignIn, LINK_PROVIDER_ID } from '@/lib/auth/link-provider';
import { db } from '@/lib/server/db';
import { errorForLog, log } from '@/lib/server/log';
import { lockUser } from '@/lib/server/db/lock';
import { firstStatement } from '@/lib/server/db/unavailable';
import type { RequestMeta } from '@/lib/server/request-meta';
import { hashLinkToken } from '@/lib/mail/link-token';
import { LEGACY_LINK_BIND_COOKIE, linkBindCookie } from '@/lib/auth/link-binding';
import { unlockSecondFactor } from '@/lib/auth/mfa/lockout';
import { mac, sameMac } from '@/lib/server/seal';
import { adoptZoneAtSignIn } from '@/lib/time/zone';
import { secondFactorAtSignIn } from '@/lib/auth/sign-in';

// Using a sign-in link, in two steps, so that mail scanners and link previews cannot use it:
// 1. GET (or HEAD) of /sign-in/link only reads: linkOwner() says whether to show "Continue" or the
//    sign-in page's "used or expired" notice. Nothing is written, no session cookie is ever set.
// 2. The POST from that page (redeemSignInLink) must carry a proof made for that page's binding cookie
//    (proxy.ts sets it on the GET, one cookie per link: lib/auth/link-binding.ts), so a request that
//    did not come from the browser showing the page is refused; then the token is deleted (single
//    use, checked against its expiry in the same statement) and the link's user is signed in through
//    the `link` provider.

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const UNLOCK_PREFIX = 'mfa-unlock:';

async function userOfLink(token: string) {
  if (!TOKEN.test(token)) return null;
  // Reads only, before the link's page or its Continue changes anything: an outage is told as one.
  return firstStatement(async () => {
    const row = await db.verificationToken.findUnique({ where: { token: hashLinkToken(token) } });
    if (!row || row.expires <= new Date()) return null;
    const unlock = row.identifier.startsWith(UNLOCK_PREFIX);
    const user = await db.user.findUnique({
      where: { email: unlock ? row.identifier.slice(UNLOCK_PREFIX.length) : row.identifier },
    });
    return user && !user.disabled ? { row, user, unlock } : null;
  });
}

// A link's query as mail systems leave it (upper case, `&amp;`, `%26`, punctuation, a cut line) is read
// by lib/auth/link-query.ts readLinkQuery before the token reaches the functions below, which hash it
// exactly as given (64 lowercase hex characters for every token mailed).

/**
 * Puts back a link that was taken for a sign-in that did not happen (`found.row`, read with its owner
 * `found.user`), unless the login is disabled now or its links were revoked since that read: the
 * revocation mark (User.linksRevokedAt, lib/auth/revoke.ts, which every revocation moves) moved. A login disabled, a password changed or "sign out
 * everywhere" a moment ago ended this link with the others, and putting it back would undo that: the
 * disabled login, enabled again later, would have it working. The owner's row lock (lockUser; a
 * revocation takes it too, moveRevocationMark) orders the two: a revocation that commits first is
 * seen here, one that commits after deletes the restored link.
 */
async function restoreLink(found: {
  row: { identifier: string; token: string; expires: Date };
  user: { id: string; linksRevokedAt: Date | null };
}): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockUser(tx, found.user.id);
    const now = await tx.user.findUnique({
      where: { id: found.user.id },
      select: { linksRevokedAt: true, disabled: true },
    });
    // Disabled: whatever the mark did (a revocation on an instance whose clock is behind leaves a
    // later mark as it was), a disabled login's links stay gone.
    if (!now || now.disabled) return;
    if ((now.linksRevokedAt?.getTime() ?? null) !== (found.user.linksRevokedAt?.getTime() ?? null)) return;
    await tx.verificationToken.create({ data: found.row });
  });
}

/** Read-only check for the GET of the page: true when the token names a live link of an enabled user. */
export async function linkIsUsable(token: string): Promise<boolean> {
  return (await userOfLink(token)) !== null;
}

/**
 * Read-only, for the GET of the page: the user a live link signs in (`userId`, and `email` masked as
 * maskEmail writes it; `unlocks`: the link of a "second factor locked" mail, which lifts the lock when
 * used), or null when the link is used, expired, cut or its user disabled.
 */
export async function linkOwner(
  token: string,
): Promise<{ userId: string; maskedEmail: string; unlocks: boolean } | null> {
  const found = await userOfLink(token);
  return found
    ? { userId: found.user.id, maskedEmail: maskEmail(found.user.email), unlocks: found.unlock }
    : null;
}

/**
 * An address as the link's page shows it to a browser signed in as someone else: the first two
 * characters of the local part (one when it has two or fewer), "•••", and the domain
 * ("da•••@acme.example", "an•••@clínica-peñasco.es" for a stored xn-- domain). Enough for the owner to recognise it and for a colleague to see it is not
 * theirs; the page never shows a whole address to whoever holds the link.
 */
export function maskEmail(stored: string): string {
  // The domain as people read it (an IDN in Unicode, as the mails show it: displayEmail).
  const email = displayEmail(stored);
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const shown = Array.from(local)
    .slice(0, Array.from(local).length > 2 ? 2 : 1)
    .join('');
  return `${shown}•••${at > 0 ? email.slice(at) : ''}`;
}

/**
 * Whether using a link of `ownerId` in a browser signed in as `signedInId` (null: nobody) would put
 * another person's session in that browser: a notice forwarded to a colleague who is signed in as
 * themselves, or a shared office computer. The page and its POST then refuse and say whose link it
 * is; the link stays unused for its owner.
 */
export const linkForAnotherUser = (ownerId: string, signedInId: string | null | undefined): boolean =>
  !!signedInId && signedInId !== ownerId;

/**
 * The proof a "Continue" form carries: HMAC of the value of the browser's binding cookie for this
 * link (lib/auth/link-binding.ts linkBindCookie) and the token (64 hex).
 */
export const bindingProof = (bindCookie: string, token: string) =>
  mac(`${bindCookie}\n${token}`, 'link-binding-v1');

/**
 * The binding a Continue POST for `token` carries: the value of the link's own cookie
 * (linkBindCookie), else of the one cookie pages shown before per-link bindings set
 * (LEGACY_LINK_BIND_COOKIE), else undefined. `jar`: the request's cookies (next/headers cookies()).
 */
export function bindingOf(
  jar: { get(name: string): { value: string } | undefined },
  token: string,
): string | undefined {
  return jar.get(linkBindCookie(token))?.value || jar.get(LEGACY_LINK_BIND_COOKIE)?.value || undefined;
}

export type UseLinkOutcome =
  | { ok: true; userId: string; email: string; login: DeviceLogin }
  | { ok: false; reason: 'unbound' | 'stale' | 'invalid' }
  | { ok: false; reason: 'other_user'; maskedEmail: string };

/**
 * The "Continue" POST. `bindCookie`: the binding this POST carries for the token (bindingOf). When
 * the POST did not come from the browser that showed this very page for this token, nothing changes,
 * and the answer says why: `unbound`, the browser sent no binding for this link (cookies refused or
 * cleared, or one kept past its day); `stale`, it has one, but not the one the page's proof was
 * made for (the link was opened again in another tab or window of this browser since, and that
 * page's Continue works; or the form was copied to another browser); `invalid` when the link itself
 * is used, expired or its user disabled (a second tab of a link used a moment ago in the first: its
 * cookie went with that use), which is the true cause then, and which the page's GET tells anyone
 * holding the link anyway. `invalid` too for a bound POST whose link is used, expired or its user
 * disabled. On success the token is gone, a session exists (the caller's
 * response carries its cookie), a second-factor lock named by an unlock link is lifted, and it is
 * audited (`sign_in.success` with the link's `method` and `secondFactor`: `pending` for a login with a
 * second factor, whose code completes the sign-in; lib/auth/sign-in.ts secondFactorAtSignIn).
 * `tz`: the browser's zone the Continue form carried, adopted unless the user has a second factor
 * (the session is then half signed in, as after the password: adoptZoneAtSignIn in lib/time/zone.ts).
 * `other_user`: the browser is signed in as someone else (`signedInId`, linkForAnotherUser); nothing
 * is used or changed, and `maskedEmail` names the link's owner. `login`: the link's login as read
 * BEFORE the link was used (its epoch, second factor and disabled flag), for the known-device cookie
 * (lib/auth/known-device.ts giveDeviceCookie): made from that read, a revocation or a disable that
 * commits while the link is used leaves the cookie already stale, and no read after the sign-in can
 * fail once the link is spent (security re-review, 2026-12-05).
 */
export async function redeemSignInLink(
  input: {
    token: string;
    proof: string;
    bindCookie: string | null | undefined;
    tz?: string;
    signedInId?: string | null;
  },
  meta: RequestMeta,
): Promise<UseLinkOutcome> {
  if (
    !input.bindCookie ||
    !TOKEN.test(input.token) ||
    !sameMac(input.proof, bindingProof(input.bindCookie, input.token))
  ) {
    // Reads and one audit row: an outage in either has changed nothing.
    const live = TOKEN.test(input.token) && (await userOfLink(input.token)) !== null;
    await firstStatement(() =>
      audit({ action: live ? 'sign_in.link_unbound' : 'sign_in.link_refused', meta }),
    );
    countSignIn('email_link', 'failure');
    return { ok: false, reason: !live ? 'invalid' : input.bindCookie ? 'stale' : 'unbound' };
  }
  const found = await userOfLink(input.token);
  if (found && linkForAnotherUser(found.user.id, input.signedInId)) {
    // Who tried: the login this browser is signed in as (Tester Q: the row named nobody as actor).
    const tried = input.signedInId
      ? await db.user.findUnique({ where: { id: input.signedInId }, select: { id: true, email: true } })
      : null;
    await audit({ action: 'sign_in.link_refused', meta, actor: tried, ...refusedLinkOwner(found.user) });
    return { ok: false, reason: 'other_user', maskedEmail: maskEmail(found.user.email) };
  }
  // Single use: of two concurrent POSTs, only the one whose delete removed the row goes on.
  const used = found
    ? await db.verificationToken.deleteMany({
        where: { token: found.row.token, expires: { gt: new Date() } },
      })
    : { count: 0 };
  if (!found || used.count !== 1) {
    await audit({ action: 'sign_in.link_refused', meta, ...(found ? refusedLinkOwner(found.user) : {}) });
    countSignIn('email_link', 'failure');
    return { ok: false, reason: 'invalid' };
  }
  const { user, unlock } = found;
  try {
    if (unlock) await unlockSecondFactor(user, meta);
    await grantLinkSignIn(user.id, () => signIn(LINK_PROVIDER_ID, { redirect: false }));
  } catch (e) {
    // No session came of it (the database failed writing the session, or the login was disabled a
    // moment ago): the link is put back as it was, so that it works once the database is back rather
    // than "used or expired" for a sign-in that never happened (review, session 35); not while the
    // login is disabled, nor if its links were revoked meanwhile (restoreLink).
    await restoreLink(found).catch((err: unknown) =>
      // Left deleted: "used or expired" to its owner, who can ask for another.
      log().warn({ error: errorForLog(err) }, 'sign-in link not put back'),
    );
    if (!(e instanceof CredentialsSignin)) throw e;
    await audit({ action: 'sign_in.link_refused', meta, ...refusedLinkOwner(user) });
    countSignIn('email_link', 'failure');
    return { ok: false, reason: 'invalid' };
  }
  await adoptZoneAtSignIn(user, input.tz);
  await audit({
    action: 'sign_in.success',
    actor: user,
    // A login with a second factor is not in yet (`pending`): its code completes the sign-in (mfa.verified).
    detail: { method: unlock ? 'mfa_unlock_link' : 'email_link', secondFactor: secondFactorAtSignIn(user) },
    meta,
  });
  countSignIn('email_link', 'success');
  const login: DeviceLogin = {
    id: user.id,
    email: user.email,
    linksRevokedAt: user.linksRevokedAt,
    totpEnabledAt: user.totpEnabledAt,
    disabled: user.disabled,
  };
  return { ok: true, userId: user.id, email: user.email, login };
}

/**
 * Whose link a refused sign-in link was, for its audit row (`sign_in.link_refused`): the login as
 * target and its address as `email` in the detail, which the audit log shows as "Link for"
 * (lib/staff/audit-detail.ts). Only for a link that matched a login: a token that matches none names
 * nobody, and the token itself is never written.
 */
function refusedLinkOwner(user: { id: string; email: string }) {
  return { target: { type: 'user' as const, id: user.id }, detail: { email: user.email } };
}

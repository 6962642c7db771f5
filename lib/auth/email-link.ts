import 'server-only';
import { AuthError } from 'next-auth';
import { cookies } from 'next/headers';
import { audit } from '@/lib/audit/log';
import { signIn } from '@/lib/auth/config';
import { emailSchema } from '@/lib/auth/email-address';
import { asLinkRequest } from '@/lib/auth/email-link-provider';
import { deviceLogin, knownDevice } from '@/lib/auth/known-device';
import { linkRequestLimitKeys, type LimitKey } from '@/lib/auth/limit-keys';
import { consume, consumeAll, reward, type LimitName } from '@/lib/server/rate-limit';
import { firstStatement } from '@/lib/server/db/unavailable';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { EMAIL_PROVIDER_ID, linkIdentifiers } from '@/lib/mail/link-token';
import { log } from '@/lib/server/log';
import { countSignIn } from '@/lib/server/metrics';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';

/**
 * Success carries the one answer for every address (signIn.linkSent). Refusals: `invalid` (not an
 * email address; on the email field too), `throttled` with the wait in whole minutes (an hour when unknown).
 */
export type LinkOutcome = Outcome;

const linkEmailSchema = emailSchema();

/** Every answer takes at least this long, so the time taken does not tell whether the address exists. */
const FLOOR_MS = 400;

/**
 * Whether a sign-in link mailed to `email` is still unused and unexpired (a VerificationToken row: a
 * requested link, a block notice's or a second-factor unlock link; using a link deletes its row, and
 * revoking links deletes them all). A requested link's row exists from the request on; a notice's
 * from its first attempt to send.
 */
async function mailboxHasLiveLink(email: string): Promise<boolean> {
  const live = await db.verificationToken.count({
    where: { identifier: { in: linkIdentifiers(email) }, expires: { gt: new Date() } },
  });
  return live > 0;
}

/**
 * "Email me a sign-in link". The answer is the same whether the address belongs to a user or not.
 * Limits (lib/auth/limit-keys.ts): per email + address (a known device of that email: per device
 * instead), the requester is told to wait (it says nothing about the email); past the per-address
 * counter (many emails from one address: a stranger behind the same office or carrier NAT) or the
 * per-email ceiling (requests from many addresses, or mailbox flooding) the answer stays "on its
 * way" and nothing is sent while the mailbox holds a live link; when it holds none, one link is still
 * sent per link lifetime (`emailLinkPastCeiling`, audited as sign_in.link_past_ceiling with the
 * counter passed), so strangers who use up either cannot keep the mailbox's owner out. Such links
 * from one address to unknown browsers are capped whatever the emails (`emailLinkPastCeilingIp`, 30
 * an hour, spent only by a link queued for a login); past it nothing is sent (audited
 * sign_in.link_suppressed, `by` that counter) and the answer is the same. For a user,
 * Auth.js's email sign-in makes the link and queues it (lib/auth/email-link-provider.ts); `callbackUrl`
 * is where it lands.
 */
export async function requestSignInLink(
  rawEmail: unknown,
  callbackUrl: string,
  meta: RequestMeta,
  client: { deviceCookie?: string | null } = {},
): Promise<LinkOutcome> {
  const started = Date.now();
  const parsed = linkEmailSchema.safeParse(rawEmail);
  if (!parsed.success) {
    // The reason goes at the field, the form's usual summary by the button: the same sentence in
    // both was read twice (the live region, then the field's description once focus moved to it).
    return fail('invalid', 'signIn.fixFields', undefined, { email: [{ key: 'signIn.linkEmailMissing' }] });
  }
  const email = parsed.data;
  // Counted before anything is sent, the refusing counters first, in one call: a database outage
  // while reading the login (whose epoch says whether the browser's cookie counts) or counting has
  // changed nothing (consumeAll gives back what it counted; firstStatement). The login is read for
  // every address alike.
  const { keys, over } = await firstStatement(async () => {
    const device = knownDevice(client.deviceCookie, await deviceLogin({ email }));
    const keys = linkRequestLimitKeys({ email, ip: meta.ip, deviceId: device?.id ?? null });
    return { keys, ...(await consumeAll([...keys.refuse, ...keys.quiet])) };
  });
  const refused = over && keys.refuse.some((k) => k.name === over.name) ? over : null;
  if (refused) {
    await audit({
      action: 'sign_in.link_throttled',
      actor: { id: null, email },
      detail: { email, by: refused.name },
      meta,
    });
    countSignIn('email_link', 'throttled');
    const retryAfterSec = (refused.status.limited ? refused.status.retryAfterSec : undefined) ?? 3600;
    return fail('throttled', 'signIn.linkThrottled', { minutes: Math.max(1, Math.ceil(retryAfterSec / 60)) });
  }
  const quiet = over;
  // Past the ceiling: the owner must still be able to get a link. Checked, then counted: of parallel
  // requests that all find no live link, only the one the counter accepts sends.
  let pastCeiling = false;
  if (quiet && keys.pastCeiling && !(await mailboxHasLiveLink(email))) {
    const spent = await consume(keys.pastCeiling.name, keys.pastCeiling.key);
    pastCeiling = !(spent.limited && spent.rejected);
  }
  // The counter that holds this request's link back, if one does.
  let suppressedBy: LimitName | null = quiet && !pastCeiling ? quiet.name : null;
  const user = suppressedBy
    ? null
    : await db.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
  const mails = user !== null && !user.disabled;
  // A past-ceiling link also spends its address's cap (unknown browsers only), whatever the email:
  // the per-email counter alone let one address mail every login it could name 4 links an hour
  // (security re-review, 2026-12-05). Spent only by a link that goes to a login, after the check for
  // one: made-up emails from a stranger behind the same NAT spend nothing, so colleagues there still
  // get theirs. Over it nothing is sent, with the same answer, after the same floor.
  let capSpent: LimitKey | null = null;
  if (mails && pastCeiling && keys.pastCeilingIp) {
    const cap = await consume(keys.pastCeilingIp.name, keys.pastCeilingIp.key);
    if (cap.limited && cap.rejected) {
      suppressedBy = keys.pastCeilingIp.name;
      // Nothing went to this mailbox: its one past-ceiling link of this lifetime stays its owner's.
      await reward(keys.pastCeiling!.name, keys.pastCeiling!.key);
    } else capSpent = keys.pastCeilingIp;
  }
  if (mails && !suppressedBy) {
    try {
      await asLinkRequest(() =>
        signIn(EMAIL_PROVIDER_ID, { email, redirectTo: callbackUrl, redirect: false }),
      );
    } catch (e) {
      // Not queued: the address's cap counts only links that go (best effort).
      if (capSpent) await reward(capSpent.name, capSpent.key).catch(() => undefined);
      if (!(e instanceof AuthError)) throw e;
      log().warn({ authError: e.type }, 'sign-in link not queued');
    }
  }
  await sameCookiesWhoeverAsked();
  const by = suppressedBy ?? quiet?.name;
  await audit({
    action: suppressedBy
      ? 'sign_in.link_suppressed'
      : pastCeiling
        ? 'sign_in.link_past_ceiling'
        : 'sign_in.link_requested',
    actor: { id: null, email },
    detail: { email, ...(by ? { by } : {}) },
    meta,
  });
  const wait = FLOOR_MS - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return succeed(undefined, { key: 'signIn.linkSent' });
}

/**
 * Auth.js's callback-url cookies, by the name each scheme gives them (`__Secure-` behind https).
 * Tollgate's links open /sign-in/link with their own `callbackUrl` (lib/mail/link-token.ts), so the
 * cookie is read by nothing here.
 */
const CALLBACK_URL_COOKIES = [
  { name: 'authjs.callback-url', path: '/' },
  { name: '__Secure-authjs.callback-url', path: '/', secure: true },
] as const;

/**
 * Makes the answer's cookies the same for every address: Auth.js's `signIn` sets its callback-url
 * cookie when it makes a link, so the answer to a login carried a `Set-Cookie` that the answer to an
 * unknown, disabled or held-back address did not (review, session 33: an enumeration by header the
 * time floor does not hide). Each name is expired on every answer instead.
 */
async function sameCookiesWhoeverAsked(): Promise<void> {
  const jar = await cookies();
  for (const c of CALLBACK_URL_COOKIES) jar.delete(c);
}

import 'server-only';
import { AuthError } from 'next-auth';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { signIn } from '@/lib/auth/config';
import { asLinkRequest } from '@/lib/auth/email-link-provider';
import { knownDeviceId } from '@/lib/auth/known-device';
import { linkRequestLimitKeys } from '@/lib/auth/limit-keys';
import { consumeAll } from '@/lib/server/rate-limit';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { EMAIL_PROVIDER_ID } from '@/lib/mail/link-token';
import { log } from '@/lib/server/log';
import { countSignIn } from '@/lib/server/metrics';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';

/**
 * Success carries the one answer for every address (signIn.linkSent). Refusals: `invalid` (not an
 * email address; on the email field too), `throttled` with the wait in whole minutes (an hour when unknown).
 */
export type LinkOutcome = Outcome;

const emailSchema = z.string().trim().toLowerCase().min(3).max(254).pipe(z.email());

/** Every answer takes at least this long, so the time taken does not tell whether the address exists. */
const FLOOR_MS = 400;

/**
 * "Email me a sign-in link". The answer is the same whether the address belongs to a user or not.
 * Limits (lib/auth/limit-keys.ts): per client address and per email + address, the requester is told
 * to wait (it says nothing about the email); past the per-email ceiling (requests from many addresses,
 * or mailbox flooding) the answer stays "on its way" and nothing more is sent that hour, unless the
 * browser is a known device of that email, which has its own allowance. For a user, Auth.js's email
 * sign-in makes the link and queues it (lib/auth/email-link-provider.ts); `callbackUrl` is where it lands.
 */
export async function requestSignInLink(
  rawEmail: unknown,
  callbackUrl: string,
  meta: RequestMeta,
  client: { deviceCookie?: string | null } = {},
): Promise<LinkOutcome> {
  const started = Date.now();
  const parsed = emailSchema.safeParse(rawEmail);
  if (!parsed.success) {
    const note = { key: 'signIn.linkEmailMissing' };
    return fail('invalid', note.key, undefined, { email: [note] });
  }
  const email = parsed.data;
  const keys = linkRequestLimitKeys({
    email,
    ip: meta.ip,
    deviceId: knownDeviceId(client.deviceCookie, email),
  });
  // Counted before anything is sent.
  const refused = (await consumeAll(keys.refuse)).over;
  if (refused) {
    await audit({ action: 'sign_in.link_throttled', detail: { email, by: refused.name }, meta });
    countSignIn('email_link', 'throttled');
    const retryAfterSec = (refused.status.limited ? refused.status.retryAfterSec : undefined) ?? 3600;
    return fail('throttled', 'signIn.linkThrottled', { minutes: Math.max(1, Math.ceil(retryAfterSec / 60)) });
  }
  const quiet = (await consumeAll(keys.quiet)).over;
  const user = quiet
    ? null
    : await db.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
  if (user && !user.disabled) {
    try {
      await asLinkRequest(() =>
        signIn(EMAIL_PROVIDER_ID, { email, redirectTo: callbackUrl, redirect: false }),
      );
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      log().warn({ authError: e.type }, 'sign-in link not queued');
    }
  }
  await audit({
    action: quiet ? 'sign_in.link_suppressed' : 'sign_in.link_requested',
    detail: { email, ...(quiet ? { by: quiet.name } : {}) },
    meta,
  });
  const wait = FLOOR_MS - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return succeed(undefined, { key: 'signIn.linkSent' });
}

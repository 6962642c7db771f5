'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { sendEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { changePortalPassword } from '@/lib/auth/change-password';
import { signOut } from '@/lib/auth/config';
import { requestSignInLink } from '@/lib/auth/email-link';
import {
  DEVICE_COOKIE,
  deviceCookieOptions,
  deviceLogin,
  giveDeviceCookie,
  keepDeviceKnown,
} from '@/lib/auth/known-device';
import { LEGACY_LINK_BIND_COOKIE, LINK_BIND_PATH, linkBindCookie } from '@/lib/auth/link-binding';
import { bindingOf, redeemSignInLink } from '@/lib/auth/link-sign-in';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { currentUser, secondFactorPending, type CurrentUser } from '@/lib/auth/session';
import { attemptSignIn, signInSchema } from '@/lib/auth/sign-in';
import { db } from '@/lib/server/db';
import { lockUser } from '@/lib/server/db/lock';
import { env } from '@/lib/server/env';
import { requestMeta } from '@/lib/server/request-meta';
import { requestLocale } from '@/lib/i18n/request-locale';
import { browserZoneField } from '@/lib/time/zone';
import { translate } from '@/lib/i18n/translate';
import { outcomeToState } from '@/lib/server/outcome-state';
import {
  type ActionState,
  formToObject,
  guestForm,
  issueMessage,
  kept,
  notAForm,
  userAction,
} from '@/lib/server/safe-action';

// The server actions of signing in and out and of the portal password: password sign-in, the
// emailed sign-in link (ask, continue), sign out here or everywhere, change the portal password.
// The second factor's actions are in lib/auth/mfa/actions.ts.

/**
 * Password sign-in: the form's answer (a refusal, the fields to correct), or a redirect to the
 * callback address once signed in. A database outage met before anything changed is answered as
 * such (guestForm), as are those of the two actions below.
 */
export async function signInAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  return guestForm(form, ['email'], () => passwordSignIn(form));
}

async function passwordSignIn(form: FormData): Promise<ActionState> {
  // Nobody is signed in yet: words in this browser's language (Language cookie, else Accept-Language).
  const locale = await requestLocale();
  const t = translate(locale);
  const raw = formToObject(form);
  if (!raw) return notAForm(t);
  // What was typed comes back as every action echoes it (kept: never with a control character).
  const typed = kept(form, ['email']);
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues)
      (fieldErrors[String(i.path[0])] ??= []).push(issueMessage(i, locale));
    return { message: t('signIn.fixFields'), fieldErrors, ...typed };
  }
  const jar = await cookies();
  const outcome = await attemptSignIn(parsed.data, await requestMeta(), {
    deviceCookie: jar.get(DEVICE_COOKIE)?.value,
  });
  if (!outcome.ok) return { ...outcomeToState(outcome, t), ...typed };
  // None yet when a second factor is due: the right code gives it (lib/auth/mfa/actions.ts).
  const { deviceCookie } = outcome.data!;
  if (deviceCookie) jar.set(DEVICE_COOKIE, deviceCookie, deviceCookieOptions(env().APP_URL));
  redirect(safeCallbackUrl(raw.callbackUrl));
}

/**
 * "Email me a sign-in link": the same answer whether the address has a login or not. Sent, it lands
 * on `/sign-in?linkSent=1`, which says so (and keeps saying so on a reload); refused, it returns the
 * reason, which the sign-in form shows by its button (through signInFormAction).
 */
export async function emailLinkAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  return guestForm(form, ['email'], () => emailLink(form));
}

async function emailLink(form: FormData): Promise<ActionState> {
  const raw = formToObject(form);
  if (!raw) return notAForm(translate(await requestLocale()));
  const email = typeof raw.email === 'string' ? raw.email : '';
  const deviceCookie = (await cookies()).get(DEVICE_COOKIE)?.value;
  const callbackUrl = safeCallbackUrl(raw.callbackUrl);
  const outcome = await requestSignInLink(email, callbackUrl, await requestMeta(), { deviceCookie });
  if (outcome.ok) redirect(`/sign-in?linkSent=1&callbackUrl=${encodeURIComponent(callbackUrl)}`);
  // What was typed comes back as every action echoes it (kept: never with a control character).
  return { ...outcomeToState(outcome, translate(await requestLocale())), ...kept(form, ['email']) };
}

/** Which of the sign-in form's two submit buttons was pressed: its `intent` field. */
export type SignInIntent = 'password' | 'link';

/**
 * The sign-in form's one action: the `intent` field of the pressed button chooses password sign-in
 * (signInAction, the default) or "Email me a sign-in link" (emailLinkAction), and the answer says
 * which it was (`data.intent`) so the form puts it by that button. One action, not one per button:
 * a form sent without JavaScript gets back only its own action's state, so a refused link request
 * (no address, too many requests) came back as the same page with nothing said.
 */
export async function signInFormAction(
  _prev: ActionState<{ intent: SignInIntent }> | undefined,
  form: FormData,
): Promise<ActionState<{ intent: SignInIntent }>> {
  if (!(form instanceof FormData)) return notAForm(translate(await requestLocale()));
  const intent: SignInIntent = form.get('intent') === 'link' ? 'link' : 'password';
  const { data: _, ...state } = await (intent === 'link' ? emailLinkAction : signInAction)(undefined, form);
  return { ...state, data: { intent } };
}

/**
 * "Continue" on a sign-in link's page: uses the link in this browser (with the browser's zone, `tz`,
 * for the first page: lib/auth/link-sign-in.ts), then lands on its destination.
 */
export async function continueLinkAction(
  _prev: ActionState | undefined,
  form: FormData,
): Promise<ActionState> {
  return guestForm(form, [], () => continueLink(form));
}

async function continueLink(form: FormData): Promise<ActionState> {
  const raw = formToObject(form);
  if (!raw) return notAForm(translate(await requestLocale()));
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : '');
  const callbackUrl = safeCallbackUrl(raw.callbackUrl);
  const jar = await cookies();
  const token = str(raw.token);
  const outcome = await redeemSignInLink(
    {
      token,
      proof: str(raw.proof),
      bindCookie: bindingOf(jar, token),
      tz: browserZoneField.parse(raw.tz),
      signedInId: (await currentUser())?.id ?? null,
    },
    await requestMeta(),
  );
  if (!outcome.ok && (outcome.reason === 'unbound' || outcome.reason === 'stale'))
    return {
      message: translate(await requestLocale())(
        outcome.reason === 'unbound' ? 'signIn.linkUnbound' : 'signIn.linkStale',
      ),
    };
  // Signed in as someone else since the page was shown (another tab): nothing used, say whose it is.
  if (!outcome.ok && outcome.reason === 'other_user')
    return {
      message: translate(await requestLocale())('signIn.linkOtherUser', { owner: outcome.maskedEmail }),
    };
  if (!outcome.ok) redirect(`/sign-in?error=Verification&callbackUrl=${encodeURIComponent(callbackUrl)}`);
  // This link's binding is spent with it (lib/auth/link-binding.ts: a browser does not pile them up).
  jar.delete({ name: linkBindCookie(token), path: LINK_BIND_PATH });
  if (jar.get(LEGACY_LINK_BIND_COOKIE)) jar.delete({ name: LEGACY_LINK_BIND_COOKIE, path: LINK_BIND_PATH });
  // The person proved they read this mailbox in this browser: it is a known device for this email now,
  // once the sign-in is complete (with a second factor, when the code is right: lib/auth/mfa/actions.ts).
  // The login as read BEFORE the link was used: a revocation or a disable committing meanwhile leaves
  // the cookie stale (giveDeviceCookie gives none to a disabled login), and nothing is read now that
  // the link is spent (security re-review, 2026-12-05: read here, a database error was answered as an
  // outage that changed nothing, and a revocation in between gave a cookie of the new epoch).
  if (!outcome.login.totpEnabledAt) await giveDeviceCookie(outcome.login);
  redirect(callbackUrl);
}

/** Ends this session: the Session row goes (so the JWT is dead even if copied), then the cookie. */
export async function signOutAction(): Promise<void> {
  const user = await currentUser();
  if (user) await endThisSession(user);
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

async function endThisSession(user: CurrentUser): Promise<void> {
  await db.session.deleteMany({ where: { id: user.sessionId } });
  await audit({ action: 'sign_out', actor: user, meta: await requestMeta() });
}

/**
 * Ends every session of this user, on every device, and every sign-in link still in their mail.
 * A session whose second factor is still pending (secondFactorPending: someone with the password
 * only) ends only itself, as "Sign out" does: it must not sign the real user out everywhere.
 * This browser is signed out too, but stays a known device of the login (a cookie of the epoch this
 * revocation wrote, read in its transaction): it was signed in here, completely, until now, and the
 * cookie grants no session, only its own allowance of password attempts, so its owner's next sign-in
 * here is not held back by strangers. Every other browser's cookie counts for nothing from now on.
 */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (user && secondFactorPending(user)) await endThisSession(user);
  else if (user) {
    const meta = await requestMeta();
    const login = await db.$transaction(async (tx) => {
      // The user row first, then the sessions and links (docs/architecture.md "Lock order"): an admin
      // disabling this user, or a password change, takes them in that order too.
      await lockUser(tx, user.id);
      // Still signed in here: a revocation that committed first (a disable, a password change
      // elsewhere) ended this session, and this browser gets no cookie of a later epoch.
      const here = await tx.session.count({ where: { id: user.sessionId, userId: user.id } });
      const { count } = await tx.session.deleteMany({ where: { userId: user.id } });
      const linksRevoked = await revokeSignInLinks(tx, user.email);
      await audit(
        { action: 'sign_out.everywhere', actor: user, detail: { sessions: count, linksRevoked }, meta },
        tx,
      );
      return here > 0 ? deviceLogin({ id: user.id }, tx) : null;
    });
    // After the commit (giveDeviceCookie gives none to a disabled login).
    if (login) await giveDeviceCookie(login);
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

const passwordSchema = z.object({
  // Absent when the login has no password to give (lib/auth/change-password.ts says when it is needed).
  current: z.string().max(1024).default(''),
  next: z.string().max(1024).default(''),
  // Sent by the form rendered for a login without a password ("Choose a portal password").
  choosing: z.literal('1').optional(),
  mailCode: z.string().max(40).optional(),
});

/**
 * "Email me a code" beside "Choose a portal password" (a login whose password support removed): the
 * code the choice asks for (lib/auth/mfa/enrol-proof.ts, purpose `password`).
 */
export const sendPasswordProofAction = userAction(z.object({}), async (_input, { user, meta }) => {
  const r = await sendEnrolmentProof(user, meta, 'password');
  // A password was chosen meanwhile (another tab): the page turns into the change form.
  if (!r.ok && r.code === 'conflict') revalidatePath('/profile');
  return r;
});

/** The profile's password form; a resend of the same render is answered from its receipt (once). */
export const changePasswordAction = userAction<typeof passwordSchema>(
  passwordSchema,
  async (input, { user, meta, once }) => {
    const r = await changePortalPassword(user, input.current, input.next, meta, once, {
      choosing: input.choosing === '1',
      mailCode: input.mailCode,
    });
    // The change moved the login's epoch and kept this session: this browser stays a known device.
    if (r.ok) await keepDeviceKnown(user.id, { id: user.sessionId });
    // The page's form follows the login: once a password exists it asks for the current one.
    if (r.ok || r.code === 'conflict') revalidatePath('/profile');
    return r;
  },
  { once: { action: 'auth.password', secret: ['current', 'next', 'mailCode'] }, echo: ['mailCode'] },
);

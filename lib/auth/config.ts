import 'server-only';
import { PrismaAdapter } from '@auth/prisma-adapter';
import NextAuth, { CredentialsSignin } from 'next-auth';
import { headers } from 'next/headers';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { getDb } from '@/lib/server/db';
import { emailSchema } from '@/lib/auth/email-address';
import { emailLinkProvider, emailSignInAllowed } from '@/lib/auth/email-link-provider';
import { linkProvider } from '@/lib/auth/link-provider';
import { authCookies, authSecrets, newSessionToken } from '@/lib/auth/session-token';
import { verifyPassword } from '@/lib/auth/password';
import { secondFactorPending, userOfSession } from '@/lib/auth/session';
import { requestMeta } from '@/lib/server/request-meta';
import { log } from '@/lib/server/log';
import { countSignIn } from '@/lib/server/metrics';

/**
 * Auth.js errors that a request causes, not the server, logged as a warning (`sign-in refused`, the
 * type only): a failed sign-in and a used or expired link (CredentialsSignin, Verification,
 * AccessDenied), and a request Auth.js's endpoints cannot serve, which anyone can send: an unknown
 * action (`/api/auth/<action>`), a POST without Auth.js's CSRF token, a callback without a provider,
 * a provider id that names none (UnknownProvider, see authErrorType), and a session cookie that does
 * not decrypt (JWTSessionError: made up, cut short, or sealed with a secret no longer configured;
 * the browser is answered as signed out). As error lines (level 50, with a stack) they let a
 * stranger page the operators at will (break-15).
 */
const EXPECTED_AUTH_ERRORS = new Set([
  'CredentialsSignin',
  'Verification',
  'AccessDenied',
  'UnknownAction',
  'MissingCSRF',
  'InvalidProvider',
  'UnknownProvider',
  'JWTSessionError',
]);

/**
 * An Auth.js error's `type`, else its name; `UnknownProvider` for the plain Error @auth/core throws
 * when the URL names a provider id it does not have (`/api/auth/callback/email`), recognised by its
 * message (tests/integration/auth-route.test.ts holds this to the installed @auth/core).
 */
function authErrorType(error: Error): string {
  const type = (error as { type?: string }).type;
  if (type) return type;
  return /^Provider with id ".*" not found\./.test(error.message) ? 'UnknownProvider' : error.name;
}

/**
 * A sign-in with the right password for a login that support or an admin disabled (User.disabled):
 * a CredentialsSignin (its `type`, so it logs as an expected refusal) with `code` "disabled", which
 * lib/auth/sign-in.ts tells apart to say so. Thrown only after the password matched.
 */
export class LoginDisabled extends CredentialsSignin {
  code = 'disabled';
}

/**
 * Why a password was refused, for the audit log's readers only (`sign_in.failure` detail `reason`,
 * lib/auth/sign-in.ts): `unknown_email` (no login has the address), `no_password` (the login has no
 * password set: it signs in by emailed link), `wrong_password`, `malformed` (the credentials did not
 * parse; the sign-in form's own check makes this unreachable from it). A disabled login with the
 * right password is LoginDisabled. The visitor's answer and its timing are the same for all of them:
 * every path checks one argon2 hash (lib/auth/password.ts verifyPassword) before it throws.
 */
export type PasswordRefusal = 'unknown_email' | 'no_password' | 'wrong_password' | 'malformed';

/**
 * A refused password (authorize below), carrying its `reason` (PasswordRefusal). Its `code` stays
 * Auth.js's default ("credentials") for every reason: Auth.js writes the code into the error page's
 * address (`?error=CredentialsSignin&code=…`) for a POST to its own credentials callback, where a
 * reason would tell a stranger which addresses have a login (that endpoint answers 404 here,
 * app/api/auth/[...nextauth]/route.ts; the code stays generic should it ever open). The reason
 * rides on the error instance, which Auth.js's signIn() rethrows to lib/auth/sign-in.ts as thrown.
 */
export class PasswordRefused extends CredentialsSignin {
  readonly reason: PasswordRefusal;
  constructor(reason: PasswordRefusal) {
    super();
    this.reason = reason;
  }
}

export const SESSION_MAX_AGE_SEC = 12 * 60 * 60;

const credentialsSchema = z.object({ email: emailSchema(), password: z.string().min(1).max(1024) });

/**
 * The protocol Auth.js works out for this call: the request's URL for its route handler (`req`),
 * else (a server action's signIn / signOut) `x-forwarded-proto`, as its createActionURL reads it;
 * AUTH_URL wins over both (authCookies). Null outside a request.
 */
async function authProtocol(req: { url: string } | undefined): Promise<string | null> {
  if (req) return new URL(req.url).protocol;
  try {
    return (await headers()).get('x-forwarded-proto');
  } catch {
    return null; // outside a request: Auth.js's signIn and signOut cannot run there either
  }
}

/**
 * Auth.js with JWT sessions (Credentials needs them). The JWT only names a row in the Session table;
 * lib/auth/session.ts checks that row on every read, so deleting it revokes the session everywhere.
 * Built per call, for the session cookie's name: `__Host-` on https (authCookies).
 */
export const { handlers, auth, signIn, signOut } = NextAuth(async (req) => ({
  adapter: PrismaAdapter(getDb()),
  // During a rotation, sessions signed with the previous secret stay valid (Auth.js tries each; signs with the first).
  secret: authSecrets(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SEC },
  cookies: authCookies(await authProtocol(req)),
  // Auth.js's own "check your email" page is never part of a sign-in here (the link is asked for by
  // a server action, which says so in the form); its URL lands on the sign-in page, not a 404. Its
  // sign-out page (English, unstyled) is the profile's place: the header's "Sign out" and the
  // profile's "Sign out everywhere" are there (signed out, the profile sends to sign in).
  pages: { signIn: '/sign-in', error: '/sign-in', verifyRequest: '/sign-in', signOut: '/profile' },
  // Failed sign-ins, used or expired links (audited) and requests Auth.js cannot serve are expected:
  // one warning line, not an error with a stack trace (EXPECTED_AUTH_ERRORS).
  logger: {
    error(error: Error) {
      const type = authErrorType(error);
      // A used, expired or refused sign-in link ends here (Verification, AccessDenied).
      if (type === 'Verification' || type === 'AccessDenied') countSignIn('email_link', 'failure');
      // Only the error's type and message: Auth.js errors may carry the request's URL (a link token).
      if (EXPECTED_AUTH_ERRORS.has(type)) log().warn({ authError: type }, 'sign-in refused');
      else
        log().error(
          { authError: type, err: { type: error.name, message: error.message, stack: error.stack } },
          'Auth.js error',
        );
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new PasswordRefused('malformed');
        const user = await getDb().user.findUnique({ where: { email: parsed.data.email } });
        // One hash checked whatever the reason (verifyPassword): the reasons below take the same time.
        const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
        if (!user) throw new PasswordRefused('unknown_email');
        if (!user.passwordHash) throw new PasswordRefused('no_password');
        if (!ok) throw new PasswordRefused('wrong_password');
        // Only with the right password: a stranger without it learns nothing of the address.
        if (user.disabled) throw new LoginDisabled();
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
    // "Email me a sign-in link" makes its token with Auth.js's email provider (lib/auth/email-link-provider.ts);
    // every link is used on its "Continue" page, which signs in through the `link` provider (lib/auth/link-sign-in.ts).
    emailLinkProvider(),
    linkProvider(),
  ],
  events: {
    // Auth.js's own POST /api/auth/signout clears the cookie; the Session row must go too, or a copied JWT lives on.
    // Audited as the portal's own "Sign out" is (lib/auth/actions.ts), which deletes the row first, so
    // its call of signOut() finds nothing here and nothing is audited twice.
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid !== 'string') return;
      const db = getDb();
      const row = await db.session.findUnique({
        where: { sessionToken: sid },
        select: { user: { select: { id: true, email: true } } },
      });
      const { count } = await db.session.deleteMany({ where: { sessionToken: sid } });
      if (row && count === 1)
        await audit({ action: 'sign_out', actor: row.user, meta: await requestMeta().catch(() => null) });
    },
  },
  callbacks: {
    signIn({ user, account, email }) {
      return account?.type === 'email' ? emailSignInAllowed(user, email) : true;
    },
    async jwt({ token, user }) {
      if (user?.id) {
        const meta = await requestMeta().catch(() => null);
        const sid = newSessionToken();
        await getDb().session.create({
          data: {
            sessionToken: sid,
            userId: user.id,
            expires: new Date(Date.now() + SESSION_MAX_AGE_SEC * 1000),
            ip: meta?.ip,
            userAgent: meta?.userAgent,
          },
        });
        token.sid = sid;
        token.sub = user.id;
        return token;
      }
      // Every later read (Auth.js's GET /api/auth/session): the cookie speaks for its Session row only
      // while the row exists, has not expired and its login is enabled, the check every page makes
      // (userOfSession). Otherwise null: Auth.js answers `null` and clears the cookie instead of
      // renewing it. Review 30: after "Disable login" or "Sign out everywhere", the old cookie still
      // got the login's name and address from that endpoint, renewed for 12 hours at each ask.
      const sid = typeof token.sid === 'string' ? token.sid : null;
      return sid && (await userOfSession(sid)) ? token : null;
    },
    // Auth.js's GET /api/auth/session answers page scripts (the portal's own pages do not ask it); the
    // session token (`sid`, the key of the Session row) stays inside the encrypted, HttpOnly cookie,
    // and the server reads it from the cookie (lib/auth/session-token.ts), never from that endpoint.
    // For a session whose second factor is pending, which may read nothing of the user's
    // (lib/auth/session.ts secondFactorPending), the answer names nobody: only when it expires.
    async session({ session, token }) {
      const sid = typeof token.sid === 'string' ? token.sid : null;
      const user = sid ? await userOfSession(sid) : null;
      return user && !secondFactorPending(user) ? session : { expires: session.expires };
    },
  },
}));

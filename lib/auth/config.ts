import 'server-only';
import { PrismaAdapter } from '@auth/prisma-adapter';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/lib/server/db';
import { emailSchema } from '@/lib/auth/email-address';
import { emailLinkProvider, emailSignInAllowed } from '@/lib/auth/email-link-provider';
import { linkProvider } from '@/lib/auth/link-provider';
import { authSecrets, newSessionToken } from '@/lib/auth/session-token';
import { verifyPassword } from '@/lib/auth/password';
import { requestMeta } from '@/lib/server/request-meta';
import { log } from '@/lib/server/log';
import { countSignIn } from '@/lib/server/metrics';

const EXPECTED_AUTH_ERRORS = new Set(['CredentialsSignin', 'Verification', 'AccessDenied']);

export const SESSION_MAX_AGE_SEC = 12 * 60 * 60;

const credentialsSchema = z.object({ email: emailSchema(), password: z.string().min(1).max(1024) });

/**
 * Auth.js with JWT sessions (Credentials needs them). The JWT only names a row in the Session table;
 * lib/auth/session.ts checks that row on every read, so deleting it revokes the session everywhere.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  adapter: PrismaAdapter(getDb()),
  // During a rotation, sessions signed with the previous secret stay valid (Auth.js tries each; signs with the first).
  secret: authSecrets(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SEC },
  pages: { signIn: '/sign-in', error: '/sign-in', verifyRequest: '/sign-in/check-email' },
  // Failed sign-ins and used or expired links are expected (and audited): one line, not a stack trace.
  logger: {
    error(error: Error) {
      const type = (error as { type?: string }).type ?? error.name;
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
        if (!parsed.success) throw new CredentialsSignin();
        const user = await getDb().user.findUnique({ where: { email: parsed.data.email } });
        const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
        if (!user || !ok || user.disabled) throw new CredentialsSignin();
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
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await getDb().session.deleteMany({ where: { sessionToken: sid } });
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
      }
      return token;
    },
    // No `session` callback: Auth.js's GET /api/auth/session answers page scripts, and the session
    // token (`sid`, the key of the Session row) stays inside the encrypted, HttpOnly cookie. The
    // server reads it from the cookie (lib/auth/session-token.ts), never from that endpoint.
  },
}));

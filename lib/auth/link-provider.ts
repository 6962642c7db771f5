import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { db } from '@/lib/server/db';

// The Auth.js provider that turns a used sign-in link into a session. It trusts no input from the
// request: lib/auth/link-sign-in.ts consumes the link's token first and then calls signIn() for the
// link's user inside grantLinkSignIn(), and authorize() only accepts a user granted that way, in the
// same async call. Auth.js's HTTP endpoints for it are closed (app/api/auth/[...nextauth]/route.ts).

export const LINK_PROVIDER_ID = 'link';

const granted = new AsyncLocalStorage<string>();

/** Runs `fn` (a signIn(LINK_PROVIDER_ID) call) with permission to sign in user `userId`. */
export const grantLinkSignIn = <T>(userId: string, fn: () => Promise<T>) => granted.run(userId, fn);

export function linkProvider() {
  return Credentials({
    id: LINK_PROVIDER_ID,
    name: 'Sign-in link',
    credentials: {},
    async authorize() {
      const userId = granted.getStore();
      if (!userId) throw new CredentialsSignin();
      const user = await db.user.findUnique({ where: { id: userId } });
      if (!user || user.disabled) throw new CredentialsSignin();
      return { id: user.id, email: user.email, name: user.name };
    },
  });
}

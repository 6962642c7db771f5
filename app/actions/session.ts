'use server';
import { redirect } from 'next/navigation';
import { audit } from '@/lib/audit/log';
import { signOut } from '@/lib/auth/config';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { currentUser } from '@/lib/auth/session';
import { db } from '@/lib/db';
import { requestMeta } from '@/lib/http/request-meta';

/** Ends this session: the Session row goes (so the JWT is dead even if copied), then the cookie. */
export async function signOutAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    await db.session.deleteMany({ where: { id: user.sessionId } });
    await audit({ action: 'sign_out', actor: user, meta: await requestMeta() });
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

/** Ends every session of this user, on every device, and every sign-in link still in their mail. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    const meta = await requestMeta();
    await db.$transaction(async (tx) => {
      const { count } = await tx.session.deleteMany({ where: { userId: user.id } });
      const linksRevoked = await revokeSignInLinks(tx, user.email);
      await audit({ action: 'sign_out.everywhere', actor: user, detail: { sessions: count, linksRevoked }, meta }, tx);
    });
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

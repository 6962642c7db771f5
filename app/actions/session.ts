'use server';
import { redirect } from 'next/navigation';
import { audit } from '@/lib/audit/log';
import { signOut } from '@/lib/auth/config';
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

/** Ends every session of this user, on every device. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    const { count } = await db.session.deleteMany({ where: { userId: user.id } });
    await audit({ action: 'sign_out.everywhere', actor: user, detail: { sessions: count }, meta: await requestMeta() });
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

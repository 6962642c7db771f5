import 'server-only';
import type { db, Tx } from '@/lib/server/db';
import { linkIdentifiers } from '@/lib/mail/link-token';

/**
 * Deletes every outstanding sign-in link of `email` (requested, block notice, second-factor unlock),
 * and marks the moment on the user (`linksRevokedAt`): a block notice queued before it and sent later
 * (the mail outbox retries while SMTP is down) goes out without a sign-in link (lib/mail/render.ts), so
 * a revocation cannot be undone by mail still in the queue. Called with the transaction of each change
 * that must end them: sign out everywhere, a portal password change, a second-factor change, a disabled
 * user. Returns how many links were revoked.
 */
export async function revokeSignInLinks(client: Tx | typeof db, email: string): Promise<number> {
  await client.user.updateMany({ where: { email }, data: { linksRevokedAt: new Date() } });
  const { count } = await client.verificationToken.deleteMany({
    where: { identifier: { in: linkIdentifiers(email) } },
  });
  return count;
}

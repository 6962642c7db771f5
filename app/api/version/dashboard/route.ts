import { listAccountsForUser } from '@/lib/accounts/queries';
import { versionAnswer } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

/** The fingerprint of what the caller's dashboard shows (lib/server/version.ts): `{ version }`, 401 signed out. */
export function GET(): Promise<Response> {
  return versionAnswer((user) => listAccountsForUser(user.id));
}

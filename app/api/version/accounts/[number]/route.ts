import { getAccountForUser } from '@/lib/accounts/queries';
import { versionAnswer } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

/**
 * The fingerprint of what the caller's account page (`/accounts/{number}`) shows (lib/server/version.ts):
 * `{ version }` of the account's card as getAccountForUser reads it; 401 signed out, 404 for a number
 * that is not one of the caller's accounts (the page's own answer).
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ number: string }> },
): Promise<Response> {
  const { number } = await params;
  return versionAnswer((user) => getAccountForUser(user.id, number));
}

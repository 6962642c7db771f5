import { blockPageDataFor } from '@/lib/blocks/page-version';
import { versionAnswer } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

/**
 * The fingerprint of what the caller's block page shows (lib/server/version.ts): `{ version }`; 401
 * signed out, 404 for a block not of the caller's accounts.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return versionAnswer((user) => blockPageDataFor(user.id, id));
}

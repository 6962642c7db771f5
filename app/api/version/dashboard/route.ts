import { dashboardView } from '@/lib/accounts/dashboard';
import { readDashboardParams } from '@/lib/accounts/dashboard-params';
import { versionAnswer } from '@/lib/server/version-answer';

export const dynamic = 'force-dynamic';

/**
 * The fingerprint of what the caller's dashboard shows (lib/server/version.ts): `{ version }`, 401
 * signed out. The view's parameters (`show`, `q`, `page`) as the page reads them, so a page of a
 * member of many accounts is asked about that page and the counts only (lib/accounts/dashboard.ts).
 */
export function GET(request: Request): Promise<Response> {
  const { params } = readDashboardParams(new URL(request.url).searchParams);
  return versionAnswer((user) => dashboardView(user.id, params));
}

import { metricsAccess, renderMetrics } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus text format behind `Authorization: Bearer <METRICS_TOKEN>` (CONTRACTS §7). */
export async function GET(request: Request): Promise<Response> {
  const access = metricsAccess(request.headers.get('authorization'));
  if (access !== 'ok')
    return new Response(access === 'disabled' ? 'Not found\n' : 'Unauthorized\n', {
      status: access === 'disabled' ? 404 : 401,
      headers: {
        'cache-control': 'no-store',
        ...(access === 'denied' ? { 'www-authenticate': 'Bearer' } : {}),
      },
    });
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}

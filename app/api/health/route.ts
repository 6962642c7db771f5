export const dynamic = 'force-dynamic';

/** Liveness (CONTRACTS §7): 200 while the process serves requests. Touches nothing else. */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}

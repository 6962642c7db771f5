import { readiness } from '@/lib/server/health';

export const dynamic = 'force-dynamic';

/** Readiness (CONTRACTS §7): 200 or 503, with each part named (lib/server/health.ts decides). */
export async function GET(): Promise<Response> {
  const r = await readiness();
  return Response.json(
    { status: r.ready ? 'ready' : 'not_ready', ...r.checks },
    { status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}

import { db } from '@/lib/db';

export const dynamic = 'force-dynamic';

/** Readiness for load balancers: the process answers and the database does. No details leak. */
export async function GET(): Promise<Response> {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
  } catch {
    return Response.json({ ok: false }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
}

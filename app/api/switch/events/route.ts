import { ingestSwitchEvent } from '@/lib/blocks/ingest';
import { env } from '@/lib/config/env';
import { readBodyLimited } from '@/lib/http/read-body';
import { countSwitchEvent, type EventResult } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

const LIMIT = 64 * 1024;

/** Signed events from the switch (CONTRACTS §4). Thin: the domain decides in lib/blocks/ingest.ts. */
export async function POST(request: Request): Promise<Response> {
  const body = await readBodyLimited(request, LIMIT);
  if (body === null) {
    countSwitchEvent('413');
    return Response.json({ error: { code: 'too_large', message: 'event bodies are limited to 64 KB' } }, { status: 413 });
  }
  const res = await ingestSwitchEvent(body, request.headers.get('tollgate-signature'), env().SWITCH_WEBHOOK_SECRET);
  countSwitchEvent(res.status === 200 ? ((res.body as { duplicate?: boolean }).duplicate ? 'duplicate' : 'new') : (String(res.status) as EventResult));
  return Response.json(res.body, { status: res.status });
}

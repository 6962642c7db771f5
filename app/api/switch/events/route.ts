import {
  EVENT_BODY_LIMIT,
  ingestSwitchEvent,
  refuseEncodedEvent,
  refuseOversizedEvent,
  type IngestAnswer,
} from '@/lib/blocks/ingest';
import { env } from '@/lib/server/env';
import { contentCodingOf, readBytesOrStream } from '@/lib/server/read-body';
import { countSwitchEvent, type EventResult } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

/** Signed events from the switch (CONTRACTS §4). Thin: the domain decides in lib/blocks/ingest.ts. */
export async function POST(request: Request): Promise<Response> {
  const coding = contentCodingOf(request);
  if (coding) {
    await request.body?.cancel().catch(() => undefined);
    const res = refuseEncodedEvent(coding);
    countSwitchEvent('415');
    return Response.json(res.body, { status: res.status, headers: { 'accept-encoding': 'identity' } });
  }
  // The bytes as received: the signature covers them, and lib/blocks/ingest.ts decodes them after.
  const body = await readBytesOrStream(request, EVENT_BODY_LIMIT);
  const signature = request.headers.get('tollgate-signature');
  // During a secret rotation (docs/operations.md) the previous secret is accepted too.
  const previous = env().SWITCH_WEBHOOK_SECRET_PREVIOUS;
  if (!body.ok) {
    const secrets = [env().SWITCH_WEBHOOK_SECRET, ...(previous ? [previous] : [])];
    const res = await refuseOversizedEvent(body, signature, secrets);
    countSwitchEvent('413');
    return Response.json(res.body, { status: res.status });
  }
  let res = await ingestSwitchEvent(body.bytes, signature, env().SWITCH_WEBHOOK_SECRET);
  // A 401 has stored nothing (the signature is checked first), so asking again cannot apply anything twice.
  if (res.status === 401 && previous) res = await ingestSwitchEvent(body.bytes, signature, previous);
  countSwitchEvent(resultOf(res));
  // A 503 says when to send again (a database outage: as the portal's pages do).
  const headers = res.retryAfterSec ? { 'retry-after': String(res.retryAfterSec) } : undefined;
  return Response.json(res.body, { status: res.status, headers });
}

/** The metric's `result` for an answer: `new`, `duplicate`, `database_unavailable`, or the status. */
function resultOf(res: IngestAnswer): EventResult {
  if (res.status === 200) return (res.body as { duplicate?: boolean }).duplicate ? 'duplicate' : 'new';
  const code = (res.body as { error?: { code?: unknown } }).error?.code;
  if (code === 'database_unavailable') return 'database_unavailable';
  return String(res.status) as EventResult;
}

import { ingestSwitchEvent } from '@/lib/blocks/ingest';
import { env } from '@/lib/server/env';
import { readBytesLimited } from '@/lib/server/read-body';
import { countSwitchEvent, type EventResult } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

const LIMIT = 64 * 1024;

/** Signed events from the switch (CONTRACTS §4). Thin: the domain decides in lib/blocks/ingest.ts. */
export async function POST(request: Request): Promise<Response> {
  // The bytes as received: the signature covers them, and lib/blocks/ingest.ts decodes them after.
  const body = await readBytesLimited(request, LIMIT);
  if (body === null) {
    countSwitchEvent('413');
    return Response.json(
      { error: { code: 'too_large', message: 'event bodies are limited to 64 KiB' } },
      { status: 413 },
    );
  }
  const signature = request.headers.get('tollgate-signature');
  let res = await ingestSwitchEvent(body, signature, env().SWITCH_WEBHOOK_SECRET);
  // During a secret rotation (docs/operations.md) the previous secret is accepted too. A 401 has
  // stored nothing (the signature is checked first), so asking again cannot apply anything twice.
  const previous = env().SWITCH_WEBHOOK_SECRET_PREVIOUS;
  if (res.status === 401 && previous) res = await ingestSwitchEvent(body, signature, previous);
  countSwitchEvent(
    res.status === 200
      ? (res.body as { duplicate?: boolean }).duplicate
        ? 'duplicate'
        : 'new'
      : (String(res.status) as EventResult),
  );
  return Response.json(res.body, { status: res.status });
}

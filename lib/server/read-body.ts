/**
 * The content coding a request body was sent with (RFC 9110 §8.4 `Content-Encoding`, e.g. `gzip`,
 * lower-cased, several as listed: `gzip, br`), or null when it has none (absent, blank, `identity`).
 * For a handler that reads the bytes as sent and decodes no coding: it answers 415 with
 * `Accept-Encoding: identity` (RFC 9110 §15.5.16, RFC 7694 §3) rather than read compressed bytes as text.
 */
export function contentCodingOf(request: Request): string | null {
  const codings = (request.headers.get('content-encoding') ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  return codings.length ? codings.join(', ') : null;
}

/** Reads a request body as UTF-8, or null once it passes `limit` bytes (without buffering the rest). */
export async function readBodyLimited(request: Request, limit: number): Promise<string | null> {
  const bytes = await readBytesLimited(request, limit);
  return bytes === null ? null : bytes.toString('utf8');
}

/**
 * Reads a request body as the bytes received, or null once it passes `limit` bytes (without
 * buffering the rest). For bodies checked over their raw bytes (a signed webhook) before decoding.
 */
export async function readBytesLimited(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  return readStreamLimited(request.body, limit);
}

/**
 * Reads a body stream (null: no body, empty) as the bytes received, or null once it passes `limit`
 * bytes, counted as they arrive (a chunked body declares no length); reading stops there and the
 * stream is cancelled.
 */
export async function readStreamLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A body read up to a limit: its bytes, or, past the limit, every chunk of it from the first on. */
export type LimitedBody =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      /** The `Content-Length` the client declared, or null (chunked). */
      declared: number | null;
      /** The whole body as it arrives, the chunks already read first; iterate it once, or not at all. */
      chunks: AsyncIterable<Uint8Array>;
      /** Stops reading (for a caller that does not iterate `chunks` to its end). */
      cancel(): Promise<void>;
    };

/**
 * Like readBytesLimited, for a caller that still wants to look at a body past the limit without
 * buffering it (a signed webhook too large to apply, whose signature and sender are still worth
 * checking): past `limit` bytes (or at once, when the declared `Content-Length` is past it) it returns
 * the body as a stream of chunks instead of null. A caller that stops early calls `cancel()`.
 */
export async function readBytesOrStream(request: Request, limit: number): Promise<LimitedBody> {
  const header = request.headers.get('content-length');
  const declared = header === null ? null : Number(header);
  const body = request.body;
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  if (declared === null || !(declared > limit)) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { ok: true, bytes: Buffer.concat(head) };
      size += value.byteLength;
      head.push(value);
      if (size > limit) break;
    }
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* head;
      head.length = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return {
    ok: false,
    declared: Number.isFinite(declared) ? declared : null,
    chunks: chunks(),
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

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

// Pure helpers of the switch transport, kept apart so that tests can call them directly.

/**
 * "Full jitter" backoff (AWS architecture blog, "Exponential Backoff and Jitter"): a random wait in
 * [0, min(max, base·2^(attempt-1))). Spreading retries at random keeps several app instances from
 * hammering a recovering switch in lockstep.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as a delay in ms from `nowMs`: delay-seconds (`30`) or
 * an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`; a date already past gives 0). Undefined when the
 * header is absent or neither form.
 */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  // An HTTP-date names its weekday and GMT; Date.parse reads IMF-fixdate, RFC 850 and asctime forms.
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Removes every occurrence of each secret. Applied to all text that comes back from the switch or
 * from `fetch` before it reaches a result or a log, so an echoing proxy cannot leak a password.
 */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * Turns whatever `fetch` threw into a code and a message built only from our own words and a
 * short system error code (ECONNREFUSED, UND_ERR_SOCKET…). The thrown error's own message is never
 * used: a custom fetch, a proxy agent or a future undici may put the request (and so the password)
 * into it.
 */
export function describeFetchError(
  err: unknown,
  timedOut: boolean,
  timeoutMs: number,
): { code: string; message: string } {
  if (timedOut) return { code: 'timeout', message: `no answer within ${timeoutMs} ms` };
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError') return { code: 'aborted', message: 'the request was cancelled' };
  const sysCode = systemCode(err);
  return {
    code: 'connection_error',
    message: sysCode ? `connection error (${sysCode})` : 'connection error',
  };
}

function systemCode(err: unknown): string | undefined {
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  return undefined;
}

import { createHmac, timingSafeEqual } from 'node:crypto';

// CONTRACTS §4: `Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
// The scheme is Stripe's: the timestamp is inside the MAC, so a captured request cannot be replayed
// outside the tolerance window, and the body is MACed byte for byte as received (never re-serialized).
// No `server-only` import: the simulator (run by tsx) and the tests sign with this same module.

export const SIGNATURE_HEADER = 'Tollgate-Signature';
export const DEFAULT_TOLERANCE_SEC = 300;

export type RawBody = string | Uint8Array;

export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

function mac(secret: string, t: number, rawBody: RawBody): Buffer {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${t}.`);
  hmac.update(rawBody);
  return hmac.digest();
}

/** Signs `rawBody` (the exact bytes that will be sent) and returns the header value. */
export function signEvent(
  secret: string,
  rawBody: RawBody,
  tSeconds: number = Math.floor(Date.now() / 1000),
): string {
  if (!Number.isSafeInteger(tSeconds) || tSeconds < 0)
    throw new RangeError('tSeconds must be a non-negative integer');
  return `t=${tSeconds},v1=${mac(secret, tSeconds, rawBody).toString('hex')}`;
}

/**
 * Parses `t=…,v1=…[,v1=…]`. Several `v1` entries are allowed so that a switch can sign with the old
 * and the new secret while the secret is being rotated; unknown schemes (`v0=`, `v2=`) are ignored.
 */
export function parseSignatureHeader(header: string): { t: number; v1: Buffer[] } | null {
  if (header.length > 1000) return null;
  let t: number | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      // The MAC covers the number as sent ("<t>.<raw body>"): one spelling of it, no leading zeros,
      // or "t=0<t>" would pass with the MAC of "<t>" (break-19).
      if (t !== null || !/^(?:0|[1-9]\d{0,11})$/.test(value)) return null;
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return null;
      v1.push(Buffer.from(value, 'hex'));
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * A signature check over a body that arrives in pieces (a body too large to buffer): `update` each
 * chunk as received, then `result()`. The header and the window are checked at the start, so a
 * missing, malformed or stale signature costs no hashing. Same rules as verifySignature, which is
 * this check over one piece.
 */
export function startSignatureCheck(
  secret: string,
  header: string | null | undefined,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): { update(chunk: RawBody): void; result(): VerifyResult } {
  const refused = (reason: 'missing' | 'malformed' | 'stale') => ({
    update() {},
    result: (): VerifyResult => ({ ok: false, reason }),
  });
  if (header === null || header === undefined || header.trim() === '') return refused('missing');
  const parsed = parseSignatureHeader(header);
  if (!parsed) return refused('malformed');
  if (Math.abs(nowSeconds - parsed.t) > toleranceSec) return refused('stale');
  const hmac = createHmac('sha256', secret);
  hmac.update(`${parsed.t}.`);
  return {
    update: (chunk) => void hmac.update(chunk),
    result() {
      const expected = hmac.digest();
      let matched = false;
      // No early exit: every candidate is compared, so the count of v1 entries is the only thing timed.
      for (const candidate of parsed.v1) {
        if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
      }
      return matched ? { ok: true, timestamp: parsed.t } : { ok: false, reason: 'mismatch' };
    },
  };
}

/**
 * Checks a signature header against the raw request body. The timestamp window is checked in both
 * directions (a clock far in the future is as suspect as one in the past). Every candidate is
 * compared with `timingSafeEqual` on two 32-byte buffers, so the time taken says nothing about how
 * many leading bytes matched.
 */
export function verifySignature(
  secret: string,
  rawBody: RawBody,
  header: string | null | undefined,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): VerifyResult {
  const check = startSignatureCheck(secret, header, nowSeconds, toleranceSec);
  check.update(rawBody);
  return check.result();
}

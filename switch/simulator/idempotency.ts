import { createHmac } from 'node:crypto';
import type { Db } from './db';

// Idempotency keys as a payment API keeps them (Stripe's model):
// - a key is bound to one request: method, path and the validated body, as an HMAC fingerprint
//   (the body may hold a password, so it is never stored, not even as a plain hash);
// - only a request that was applied binds its key (2xx). A request refused by validation, or one that
//   failed with a 5xx before being applied, leaves the key free, so the same request can be sent
//   again with the same key and will then be applied once;
// - keys are remembered for 24 hours.

export const KEY_TTL_MS = 24 * 60 * 60 * 1000;

export type StoredResponse = { status: number; body: string };

export type Lookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

export function fingerprint(secret: Buffer, method: string, path: string, body: unknown): string {
  return createHmac('sha256', secret)
    .update(`${method} ${path}\n${JSON.stringify(body)}`)
    .digest('hex');
}

export function lookupKey(db: Db, key: string, print: string, now: number = Date.now()): Lookup {
  const row = db
    .prepare('SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ? AND created_at > ?')
    .get(key, now - KEY_TTL_MS) as { fingerprint: string; status: number; body: string } | undefined;
  if (!row) return { kind: 'new' };
  return row.fingerprint === print
    ? { kind: 'replay', response: { status: row.status, body: row.body } }
    : { kind: 'conflict' };
}

/** Call inside the same transaction as the change it records, so a crash cannot split the two. */
export function storeKey(
  db: Db,
  key: string,
  print: string,
  response: StoredResponse,
  now: number = Date.now(),
): void {
  db.prepare('DELETE FROM idempotency_keys WHERE created_at <= ?').run(now - KEY_TTL_MS);
  db.prepare(
    'INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(key, print, response.status, response.body, now);
}

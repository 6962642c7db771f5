import 'server-only';
import { createHash } from 'node:crypto';

/**
 * A short fingerprint of the data a page shows, as its query returned it: equal data gives equal
 * strings, any change of a value another string (SHA-256 of its JSON, dates as ISO 8601 and bigints
 * as decimal text; base64url, 22 characters = 132 bits). A page that follows the switch renders it,
 * and its `/api/version/…` route answers the same function over the same read
 * (components/auto-refresh.tsx `watch`): the open tab asks that cheap question instead of rendering
 * the whole page again. The fingerprint is of the reads the page renders (for the block page, the
 * block and its account's allowances: lib/blocks/page-version.ts), not of a list of columns someone
 * has to keep in step with them; what a page shows from elsewhere (the switch's registered devices)
 * is not in it, and that page renders again every few minutes anyway (`renderEveryMs`).
 */
export function versionOf(data: unknown): string {
  const json = JSON.stringify(data, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return createHash('sha256')
    .update(json ?? 'undefined')
    .digest('base64url')
    .slice(0, 22);
}

import crypto from 'node:crypto';

/**
 * A new row id for the raw INSERTs that write rows Prisma would otherwise give a cuid (a block and its
 * calls from a switch event, an audit row, a mail message in the same statement): 32 lowercase hex
 * digits (a random UUID, RFC 9562 version 4, without its dashes). Letters and digits only, like the
 * cuid ids Prisma writes everywhere else, so such a row fits every id shape the app checks (a block id
 * goes into URLs, and isRowId accepts `[a-z0-9]{1,64}`).
 */
export function newRowId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/**
 * True when `text` has the shape of a row id (a cuid, or newRowId's hex): 1–64 lowercase letters and
 * digits. For a URL parameter that names a row (the reset page's `?block=`, the calls page's
 * `?after=`) before it reaches the database: anything else names no row, and text with a NUL in it
 * is refused by PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00"), which made a page a 500.
 */
export function isRowId(text: unknown): text is string {
  return typeof text === 'string' && /^[a-z0-9]{1,64}$/.test(text);
}

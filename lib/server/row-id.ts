import crypto from 'node:crypto';

/**
 * A new row id for the raw INSERTs that write rows Prisma would otherwise give a cuid (a block and its
 * calls from a switch event, an audit row, a mail message in the same statement): 32 lowercase hex
 * digits (a random UUID, RFC 9562 version 4, without its dashes). Letters and digits only, like the
 * cuid ids Prisma writes everywhere else, so such a row fits every id shape the app checks (a block id
 * goes into URLs, and the reset page's back link accepts `[a-z0-9]{1,64}`).
 */
export function newRowId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

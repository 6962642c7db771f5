import 'server-only';
import { newRowId } from '@/lib/server/row-id';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db, type Tx } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { currentRequestId } from '@/lib/server/log';
import type { AuditAction } from '@/lib/audit/names';

export type AuditEntry = {
  /** One of lib/audit/names.ts: a misspelt action is a type error, and every action is in the staff filter. */
  action: AuditAction;
  /**
   * Who acted: a login (`id` and its email). `id` null: an address typed without a session behind it
   * (a failed or throttled sign-in, a sign-in link asked for), which the staff audit log's actor
   * filter finds beside the login's own rows (lib/staff/audit-query.ts).
   */
  actor?: { id: string | null; email: string } | null;
  accountId?: string | null;
  target?: { type: string; id: string } | null;
  /** Never a password, token or secret. */
  detail?: Record<string, unknown>;
  meta?: RequestMeta | null;
};

/** Append-only (the database refuses UPDATE/DELETE on AuditLog). Pass the transaction of the change it records. */
export async function audit(entry: AuditEntry, client: Tx | typeof db = db): Promise<void> {
  await client.auditLog.create({
    data: auditColumns(entry),
    // Nothing is read back: without this Prisma returns (and maps) every column of the new row.
    select: { id: true },
  });
}

/** The columns of an entry's row, but its id and time (the database's defaults, or auditInsert's). */
function auditColumns(entry: AuditEntry) {
  return {
    action: entry.action,
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? null,
    accountId: entry.accountId ?? null,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.meta?.ip ?? null,
    userAgent: entry.meta?.userAgent ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    // The same id as the request's log lines; null outside a request (workers, the operator CLI).
    requestId: entry.meta?.requestId ?? currentRequestId(),
  };
}

/**
 * The same row as `audit(entry)`, as one raw `INSERT` statement for a caller that runs its own SQL in
 * its transaction (lib/blocks/event-sql.ts: on PostgreSQL a part of one statement with the row it
 * records). Its id is a random UUID without dashes (letters and digits, as Prisma's ids), its time
 * `at` (default now). Run it in the transaction of the change it records.
 */
export function auditInsert(entry: AuditEntry, at = new Date()): Prisma.Sql {
  const c = auditColumns(entry);
  const id = newRowId();
  return Prisma.sql`INSERT INTO "AuditLog" ("id", "at", "action", "actorId", "actorEmail", "accountId", "targetType", "targetId", "ip", "userAgent", "detail", "requestId")
    VALUES (${id}, ${at}, ${c.action}, ${c.actorId}, ${c.actorEmail}, ${c.accountId}, ${c.targetType}, ${c.targetId}, ${c.ip}, ${c.userAgent}, ${c.detail}, ${c.requestId})`;
}

import 'server-only';
import { CommandError } from '@/lib/accounts/commands';
import { emailSchema } from '@/lib/auth/email-address';
import type { Db } from '@/lib/server/db';

// The operator CLI's `audit-rows --email E` (scripts/admin.ts): every audit row about one person, as
// JSON, to answer their request for what is held about them (GDPR Art. 15, right of access;
// docs/operations.md, "Retention"). Read only: it writes nothing, not even an audit row.

const email = emailSchema({
  required: 'a valid --email is required',
  tooLong: 'a valid --email is required',
  invalid: 'a valid --email is required',
});

/** One audit row as the CLI prints it: every column, the account by its number, the detail parsed. */
export type AuditRowExport = {
  id: string;
  at: string;
  action: string;
  actorEmail: string | null;
  account: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: unknown;
  requestId: string | null;
};

/**
 * The audit rows about the person at `raw.email` (typed as at sign-in: trimmed, lower-cased, the
 * domain in ASCII), oldest first: the rows of their login as actor (`actorId`), the rows with no login
 * under their address (failed and throttled sign-ins, sign-in links asked for: `actorEmail`), and the
 * rows whose target is their login (support or an admin acting on it). An address with no login still
 * has the second kind. Returns `{ email, login: { id, role } | null, rows }`. The rows hold no secret
 * (lib/audit/log.ts: a detail is never a password, token or secret); they name the staff who acted
 * (`actorEmail`). An address with no login and no row gives no rows (that is the answer: nothing held
 * in the log). Throws CommandError for an address that is not one, having read nothing. Cost: the first two are index ranges; the third reads the log whole (no index on
 * `targetId`), which a command run on request can afford.
 */
export async function auditRowsOf(db: Db, raw: { email?: string }) {
  if (!raw.email?.trim())
    throw new CommandError('--email is required: the address whose audit rows to print');
  const parsed = email.safeParse(raw.email);
  if (!parsed.success)
    throw new CommandError(parsed.error.issues[0]?.message ?? 'a valid --email is required');
  const address = parsed.data;
  const login = await db.user.findUnique({ where: { email: address }, select: { id: true, role: true } });
  const rows = await db.auditLog.findMany({
    where: {
      OR: [
        { actorId: null, actorEmail: address },
        ...(login ? [{ actorId: login.id }, { targetType: 'user', targetId: login.id }] : []),
      ],
    },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const accounts = await db.customerAccount.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.accountId).filter((x): x is string => !!x))] } },
    select: { id: true, number: true },
  });
  const number = new Map(accounts.map((a) => [a.id, a.number]));
  return {
    email: address,
    login,
    rows: rows.map((r): AuditRowExport => ({
      id: r.id,
      at: r.at.toISOString(),
      action: r.action,
      actorEmail: r.actorEmail,
      account: r.accountId ? (number.get(r.accountId) ?? r.accountId) : null,
      targetType: r.targetType,
      targetId: r.targetId,
      ip: r.ip,
      userAgent: r.userAgent,
      detail: parseDetail(r.detail),
      requestId: r.requestId,
    })),
  };
}

/** A stored detail (JSON text) as its value; text that is not JSON (none is written so) as it is. */
function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    return detail;
  }
}

import 'server-only';
import { z } from 'zod';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';

// The audit log, newest first, with keyset pagination on (at, id): every page is an index range
// scan, however deep, on AuditLog(at) or on the (accountId|actorId|action, at) index of the filter.

const PAGE = 50;
const day = z.iso.date().optional().catch(undefined);

export const auditFilterSchema = z.object({
  account: z.string().trim().max(40).optional().catch(undefined),
  actor: z.string().trim().toLowerCase().max(254).optional().catch(undefined),
  action: z.string().trim().max(64).optional().catch(undefined),
  from: day,
  to: day,
  before: z.string().max(200).optional().catch(undefined),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

const encode = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decode(cursor?: string): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  return id && !Number.isNaN(at.getTime()) ? { at, id } : null;
}

export async function listAudit(user: CurrentUser, f: AuditFilter) {
  assertStaff(user);
  // Filters name things people know (ACC-1001, an email); resolve them to the indexed ids first.
  const account = f.account
    ? await db.customerAccount.findUnique({
        where: { number: f.account.toUpperCase() },
        select: { id: true },
      })
    : null;
  const actor = f.actor
    ? await db.user.findUnique({ where: { email: f.actor }, select: { id: true } })
    : null;
  if ((f.account && !account) || (f.actor && !actor))
    return { entries: [], next: null, unknown: f.account && !account ? 'account' : 'actor' };
  const cursor = decode(f.before);
  const at: { gte?: Date; lt?: Date } = {};
  if (f.from) at.gte = new Date(`${f.from}T00:00:00Z`);
  if (f.to) at.lt = new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000);
  const rows = await db.auditLog.findMany({
    where: {
      ...(account ? { accountId: account.id } : {}),
      ...(actor ? { actorId: actor.id } : {}),
      ...(f.action ? { action: f.action } : {}),
      ...(Object.keys(at).length ? { at } : {}),
      ...(cursor ? { OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: PAGE + 1,
  });
  const page = rows.slice(0, PAGE);
  const accounts = await db.customerAccount.findMany({
    where: { id: { in: [...new Set(page.map((r) => r.accountId).filter((x): x is string => !!x))] } },
    select: { id: true, number: true },
  });
  const entries = page.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    actorEmail: r.actorEmail,
    ip: r.ip,
    userAgent: r.userAgent,
    account: accounts.find((a) => a.id === r.accountId)?.number ?? null,
    target: r.targetType ? `${r.targetType} ${r.targetId ?? ''}`.trim() : null,
    detail: r.detail,
  }));
  const last = page[page.length - 1];
  return { entries, next: rows.length > PAGE && last ? encode(last.at, last.id) : null, unknown: null };
}

export type AuditEntryView = Awaited<ReturnType<typeof listAudit>>['entries'][number];

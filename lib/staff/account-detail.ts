import 'server-only';
import { shownRequestStatus } from '@/lib/requests/closed';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { staffAccountInclude, staffAccountView } from '@/lib/accounts/queries';
import { staffBlockView } from '@/lib/blocks/queries';
import type { PlacePayload } from '@/lib/blocks/lifecycle';
import { listCustomerLogins } from '@/lib/staff/customer-logins';

/**
 * One account as support sees it: blocks, requests, what is waiting for the switch, and its customer
 * logins (`logins`: listCustomerLogins, with sessions, second factor, last sign-in). Null → 404.
 */
export async function getAccountForStaff(user: CurrentUser, number: string) {
  assertStaff(user);
  const a = await db.customerAccount.findUnique({
    where: { number },
    include: {
      ...staffAccountInclude,
      blocks: { orderBy: { placedAt: 'desc' }, take: 20, include: { _count: { select: { calls: true } } } },
      requests: { orderBy: { createdAt: 'desc' }, take: 20 },
    },
  });
  if (!a) return null;
  const ops = await db.switchOperation.findMany({
    where: { accountNumber: a.number },
    orderBy: { createdAt: 'desc' },
    take: 10,
  });
  const logins = await listCustomerLogins(user, a.id);
  return {
    ...staffAccountView(a),
    /** The number on file (E.164, `;ext=…`), which the console's search finds it by; null when none. */
    phone: a.phone,
    // With when the portal recorded each (createdAt): the card shows it placed at the earlier of that
    // and the switch's time (shownPlacedAt), never at the time of rendering.
    blocks: a.blocks.map((b) => ({
      ...staffBlockView(b),
      createdAt: b.createdAt,
      calls: b._count.calls + b.callsNotKept,
    })),
    requests: a.requests.map((r) => ({
      id: r.id,
      kind: r.kind,
      // "Closed without a decision" for one a lift closed, not "Withdrawn" (lib/requests/closed.ts).
      status: shownRequestStatus(r),
      createdAt: r.createdAt,
      blockId: r.blockId,
    })),
    logins,
    /** How many days a finished change for the switch is kept (RETENTION_DAYS, lib/server/retention.ts). */
    operationsKeptDays: env().RETENTION_DAYS,
    operations: ops.map((o) => {
      const p = JSON.parse(o.payload) as Partial<PlacePayload> & {
        actor?: string;
        registrationsRead?: boolean;
        blockIds?: string[];
      };
      return {
        id: o.id,
        kind: o.kind,
        status: o.status,
        createdAt: o.createdAt,
        completedAt: o.completedAt,
        // A rotation lift whose registrar check has not passed (LiftPayload `registrationsRead: false`,
        // lib/blocks/lifecycle.ts withholdLiftForSuspects) was never sent: its claims were reads, and a
        // withheld one read "sent once" (a tester, 2026-12-07).
        attempts: p.registrationsRead === false ? 0 : o.attempts,
        lastError: o.lastError,
        actor: p.actor ?? null,
        // The blocks a lift was for (LiftPayload.blockIds; the row's own blockId for one written
        // without them), so that a block's card can say the switch refused its lift
        // (components/staff/refused-lift.tsx). Empty for the other kinds' payloads without them.
        blockIds: p.blockIds ?? (o.kind === 'lift' && o.blockId ? [o.blockId] : []),
      };
    }),
  };
}

export type StaffAccountView = NonNullable<Awaited<ReturnType<typeof getAccountForStaff>>>;

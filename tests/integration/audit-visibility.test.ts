import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import type { AuditAction } from '@/lib/audit/names';
import { getDb } from '@/lib/server/db';
import { auditActionsFor, auditFilterSchema, listAudit } from '@/lib/staff/audit-query';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// Compliance review (2026-12-07): agents read the whole audit log, staff management and every staff
// member's sign-ins (addresses, browsers) included, though the staff list is an admin's. An agent now
// reads the rows about customers and their own; the rows about other staff are an admin's.

type Row = {
  name: string;
  action: AuditAction;
  actorId?: string | null;
  actorEmail?: string | null;
  accountId?: string | null;
  target?: string | null;
};

describe.each(dialects())('who reads which audit rows, on %s', (dialect) => {
  let agent: CurrentUser;
  let admin: CurrentUser;
  let colleague: CurrentUser;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    await useFreshDb(dialect);
    const db = getDb();
    agent = await makeStaff({ role: 'agent' });
    admin = await makeStaff({ role: 'admin' });
    colleague = await makeStaff({ role: 'agent' });
    const { account, users } = await makeAccount();
    const customer = users[0]!;
    const rows: Row[] = [
      {
        name: 'colleague signed in',
        action: 'sign_in.success',
        actorId: colleague.id,
        actorEmail: colleague.email,
      },
      { name: 'colleague password tried', action: 'sign_in.failure', actorEmail: colleague.email },
      { name: 'colleague code', action: 'mfa.verified', actorId: colleague.id, actorEmail: colleague.email },
      {
        name: 'colleague refused',
        action: 'access.denied',
        actorId: colleague.id,
        actorEmail: colleague.email,
      },
      { name: 'admin signed in', action: 'sign_in.success', actorId: admin.id, actorEmail: admin.email },
      {
        name: 'colleague re-roled',
        action: 'staff_user.role_changed',
        actorId: admin.id,
        actorEmail: admin.email,
        target: colleague.id,
      },
      {
        name: 'own factor reset',
        action: 'staff_user.second_factor_reset',
        actorId: admin.id,
        actorEmail: admin.email,
        target: agent.id,
      },
      {
        name: 'colleague created by CLI',
        action: 'user.created',
        actorEmail: 'operator-cli',
        target: colleague.id,
      },
      { name: 'own sign-in', action: 'sign_in.success', actorId: agent.id, actorEmail: agent.email },
      { name: 'own password tried', action: 'sign_in.failure', actorEmail: agent.email },
      {
        name: 'colleague approved',
        action: 'request.approved',
        actorId: colleague.id,
        actorEmail: colleague.email,
        accountId: account.id,
      },
      {
        name: 'colleague signed a customer out',
        action: 'customer_user.signed_out',
        actorId: colleague.id,
        actorEmail: colleague.email,
        accountId: account.id,
        target: customer.id,
      },
      {
        name: 'customer signed in',
        action: 'sign_in.success',
        actorId: customer.id,
        actorEmail: customer.email,
      },
      { name: 'customer password tried', action: 'sign_in.failure', actorEmail: customer.email },
      { name: 'unknown address tried', action: 'sign_in.failure', actorEmail: uniqueEmail('nobody') },
      { name: 'switch placed', action: 'switch.block.placed', accountId: account.id },
    ];
    // After anything else in this database: the first page of the unfiltered log holds them all.
    for (const [i, r] of rows.entries()) {
      const row = await db.auditLog.create({
        data: {
          at: new Date(Date.UTC(2090, 0, 1, 9, i)),
          action: r.action,
          actorId: r.actorId ?? null,
          actorEmail: r.actorEmail ?? null,
          accountId: r.accountId ?? null,
          targetType: r.target ? 'user' : null,
          targetId: r.target ?? null,
          ip: '192.0.2.7',
          userAgent: 'vitest',
        },
      });
      ids.set(row.id, r.name);
    }
  });

  const seen = async (reader: CurrentUser, filter: Record<string, string> = {}) => {
    const page = await listAudit(reader, auditFilterSchema.parse(filter));
    return page.entries
      .map((e) => ids.get(e.id))
      .filter(Boolean)
      .reverse();
  };

  it('an agent reads the rows about customers and their own; an admin reads every row', async () => {
    expect(await seen(agent)).toEqual([
      'own sign-in',
      'own password tried',
      'colleague approved',
      'colleague signed a customer out',
      'customer signed in',
      'customer password tried',
      'unknown address tried',
      'switch placed',
    ]);
    expect(await seen(admin)).toEqual([...ids.values()]);
  });

  it('an agent who names another staff member, or staff management, finds nothing of theirs', async () => {
    // The colleague by address: their work on customer accounts, not their sign-ins.
    expect(await seen(agent, { actor: colleague.email })).toEqual([
      'colleague approved',
      'colleague signed a customer out',
    ]);
    expect(await seen(agent, { actor: admin.email })).toEqual([]);
    expect(await seen(agent, { action: 'sign_in.success' })).toEqual(['own sign-in', 'customer signed in']);
    for (const action of ['staff_user.role_changed', 'staff_user.second_factor_reset']) {
      const page = await listAudit(agent, auditFilterSchema.parse({ action }));
      expect({ action, page }).toMatchObject({
        action,
        page: { entries: [], next: null, unknown: null, unreadable: [] },
      });
      expect(await seen(admin, { action })).toHaveLength(1);
    }
    expect(await seen(admin, { actor: colleague.email })).toEqual([
      'colleague signed in',
      'colleague password tried',
      'colleague code',
      'colleague refused',
      'colleague approved',
      'colleague signed a customer out',
    ]);
  });

  it('offers an agent no staff-management action in the filter; an admin every action', () => {
    expect(auditActionsFor('agent').filter((a) => a.startsWith('staff_user.'))).toEqual([]);
    expect(auditActionsFor('agent')).toContain('sign_in.success');
    expect(auditActionsFor('admin')).toContain('staff_user.role_changed');
  });
});

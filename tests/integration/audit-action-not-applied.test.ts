import { createElement as h } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import {
  auditActionsFor,
  auditFilterSchema,
  listAudit,
  unappliedAction,
  type AuditFilter,
} from '@/lib/staff/audit-query';
import { AuditAnswer } from '@/components/staff/audit-answer';
import { AuditFilters } from '@/components/staff/audit-filters';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// Review of 2026-12-08: a link naming an action the reader may not filter by (staff management to an
// agent, from a link an admin shared; a code no action has) showed "Any action" in the select over
// "No entries match these filters", as if the filter had run and found nothing. The page now says
// that the link's action filter was not applied, and why; still no query for it, and the form works.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

describe('unappliedAction', () => {
  it('names a code no action has, and an action the role may not read; applies the rest', () => {
    expect(unappliedAction('agent', undefined)).toBeNull();
    expect(unappliedAction('agent', 'request.approved')).toBeNull();
    expect(unappliedAction('agent', 'staff_user.disabled')).toBe('hidden');
    expect(unappliedAction('admin', 'staff_user.disabled')).toBeNull();
    expect(unappliedAction('agent', 'no_such.action')).toBe('unknown');
    expect(unappliedAction('admin', 'no_such.action')).toBe('unknown');
    // Every action the filter offers a role is applied for it.
    for (const role of ['agent', 'admin'] as const)
      expect(auditActionsFor(role).filter((a) => unappliedAction(role, a) !== null)).toEqual([]);
  });
});

describe('the audit filters under a link whose action is not applied', () => {
  it('keeps the filter form usable: the reader’s own actions, “Any action” chosen, the other filters kept', () => {
    const f: AuditFilter = auditFilterSchema.parse({ action: 'staff_user.disabled', account: 'ACC-1001' });
    const html = render(h(AuditFilters, { f, timeZone: 'UTC', actions: auditActionsFor('agent') }));
    // The select cannot offer it: none is chosen, so the browser shows the first, "Any action".
    expect(html).toMatch(/<select id="action" name="action"[^>]*><option value="">Any action<\/option>/);
    expect(html).not.toContain('selected');
    expect(html).not.toContain('staff_user.disabled');
    expect(html).toMatch(/name="account"[^>]*value="ACC-1001"|value="ACC-1001"[^>]*name="account"/);
    expect(text(html)).toContain('Filter');
  });
});

describe.each(dialects())('an audit link whose action is not applied, on %s', (dialect) => {
  let agent: CurrentUser;
  let admin: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff({ role: 'agent' });
    admin = await makeStaff({ role: 'admin' });
    const { account } = await makeAccount();
    await audit({ action: 'request.approved', actor: agent, accountId: account.id, meta });
    await audit({
      action: 'staff_user.disabled',
      actor: admin,
      target: { type: 'user', id: agent.id },
      detail: { reason: 'left the team' },
      meta,
    });
  });

  /** listAudit's answer to the URL's `raw` filters, and whether it read the audit log or the staff logins. */
  async function answer(user: CurrentUser, raw: Record<string, string>) {
    const f = auditFilterSchema.parse(raw);
    const rows = vi.spyOn(getDb().auditLog, 'findMany');
    const staff = vi.spyOn(getDb().user, 'findMany');
    try {
      const page = await listAudit(user, f);
      return { f, page, queried: rows.mock.calls.length + staff.mock.calls.length > 0 };
    } finally {
      rows.mockRestore();
      staff.mockRestore();
    }
  }

  it('answers why, with no entries and no query; an action the reader may read is applied as before', async () => {
    const hidden = await answer(agent, { action: 'staff_user.disabled' });
    expect(hidden.page).toMatchObject({
      entries: [],
      actionNotApplied: 'hidden',
      unknown: null,
      unreadable: [],
    });
    expect(hidden.queried).toBe(false);
    for (const user of [agent, admin]) {
      const unknown = await answer(user, { action: 'no_such.action' });
      expect(unknown.page).toMatchObject({ entries: [], actionNotApplied: 'unknown' });
      expect(unknown.queried).toBe(false);
    }
    // The control: the same spies see the query of an action that is applied.
    const seen = await answer(agent, { action: 'request.approved' });
    expect(seen.queried).toBe(true);
    expect(seen.page.actionNotApplied).toBeUndefined();
    expect(seen.page.entries.map((e) => e.action)).toEqual(['request.approved']);
    const admins = await answer(admin, { action: 'staff_user.disabled' });
    expect(admins.page.actionNotApplied).toBeUndefined();
    expect(admins.page.entries.map((e) => e.action)).toEqual(['staff_user.disabled']);
  });

  it('says in a status region under the filters that the link’s action was not applied, and why, in English and Spanish', async () => {
    const said = async (user: CurrentUser, action: string, locale: 'en' | 'es') => {
      const { f, page } = await answer(user, { action });
      const html = render(h(AuditAnswer, { page, f, filtered: true }), locale);
      expect(html).toMatch(/^<div role="status">/);
      return text(html).trim();
    };
    expect(await said(agent, 'staff_user.disabled', 'en')).toBe(
      'The action filter in this link, “ staff_user.disabled ”, was not applied: entries of that action are not visible to your role (staff management is for admins), so no entries are shown. Choose another action, or “Any action”.',
    );
    expect(await said(agent, 'no_such.action', 'en')).toBe(
      'The action filter in this link, “ no_such.action ”, was not applied: no action has that code, so no entries are shown. Choose an action from the list, or “Any action”.',
    );
    const es = await said(agent, 'staff_user.disabled', 'es');
    expect(es).toContain('« staff_user.disabled », no se aplicó');
    expect(es).toContain('no son visibles para su rol');
    expect(await said(admin, 'no_such.action', 'es')).toContain('ninguna acción tiene ese código');
    // Not the sentence of a filter that ran and found nothing.
    expect(await said(agent, 'staff_user.disabled', 'en')).not.toContain('No entries match');
  });
});

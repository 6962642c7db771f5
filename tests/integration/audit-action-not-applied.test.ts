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
  it('keeps the filter form usable: the reader’s own actions, the link’s action kept as “Not applied”, the other filters kept', () => {
    const f: AuditFilter = auditFilterSchema.parse({ action: 'staff_user.disabled', account: 'ACC-1001' });
    const html = render(h(AuditFilters, { f, timeZone: 'UTC', actions: auditActionsFor('agent') }));
    // Since 2026-12-08 (tests/integration/audit-form-keeps-filters.test.ts) the link's action is a
    // choice of its own, chosen, so that correcting another field does not drop it in silence; "Any
    // action" clears it. The reader's own actions follow; no other staff management is offered.
    expect(html).toMatch(
      /<select id="action" name="action"[^>]*><option value="">Any action<\/option><option value="staff_user.disabled" selected="">Not applied: “staff_user.disabled”<\/option>/,
    );
    expect(html.match(/selected=""/g)).toHaveLength(1);
    expect(html).not.toContain('staff_user.created');
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

// Review of 2026-12-08 (Tester S), continued. (1) An agent who filtered by a colleague's address with
// an action about the person (`?actor=alex@…&action=sign_in.success`), or with no action, read "No
// entries match these filters", as if the colleague had never signed in, while an admin with the same
// link saw the rows. (2) With more than one filter not applied (a hidden action and an unreadable day,
// days the wrong way round, an account no account has), the page said one reason only; after the day
// was corrected the action's note had never been seen.
describe.each(dialects())(
  'an audit link naming a colleague, or several filters not applied, on %s',
  (dialect) => {
    let agent: CurrentUser;
    let admin: CurrentUser;
    let colleague: CurrentUser;
    let customerEmail: string;
    beforeAll(async () => {
      await useFreshDb(dialect);
      agent = await makeStaff({ role: 'agent' });
      admin = await makeStaff({ role: 'admin' });
      colleague = await makeStaff({ role: 'agent' });
      const { account, users } = await makeAccount();
      const customer = users[0]!;
      customerEmail = customer.email;
      for (const who of [agent, admin, colleague, customer])
        await audit({ action: 'sign_in.success', actor: { id: who.id, email: who.email }, meta });
      // The admin's address typed at the sign-in with a wrong password: no login behind the row.
      await audit({ action: 'sign_in.failure', actor: { id: null, email: admin.email }, meta });
      await audit({ action: 'access.denied', actor: colleague, meta });
      // The colleague's work on a customer account: an agent's to read.
      await audit({
        action: 'customer_user.signed_out',
        actor: colleague,
        accountId: account.id,
        target: { type: 'user', id: customer.id },
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
    const actions = (a: Awaited<ReturnType<typeof answer>>) => a.page.entries.map((e) => e.action).sort();
    /** The status region's words, as the page renders listAudit's answer to `raw` for `user`. */
    const said = async (user: CurrentUser, raw: Record<string, string>, locale: 'en' | 'es' = 'en') => {
      const { f, page } = await answer(user, raw);
      const html = render(h(AuditAnswer, { page, f, filtered: true }), locale);
      expect(html).toMatch(/^<div role="status">/);
      return { html, words: text(html).trim() };
    };

    it('tells an agent that a colleague’s own rows are an admin’s, with no query; an admin, their own address and a customer’s work as before', async () => {
      for (const who of [admin, colleague])
        for (const action of ['sign_in.success', 'access.denied', 'sign_out']) {
          // As typed in any case: the address is read as logins are stored.
          for (const actor of [who.email, who.email.toUpperCase()]) {
            const a = await answer(agent, { actor, action });
            expect({ actor, action, page: a.page, queried: a.queried }).toMatchObject({
              actor,
              action,
              page: { entries: [], actorNotApplied: 'colleague', unknown: null, unreadable: [] },
              queried: false,
            });
          }
        }
      // The same link, read by an admin: the colleague's sign-in.
      const admins = await answer(admin, { actor: colleague.email, action: 'sign_in.success' });
      expect(admins.page.actorNotApplied).toBeUndefined();
      expect(actions(admins)).toEqual(['sign_in.success']);
      expect(actions(await answer(admin, { actor: admin.email, action: 'sign_in.success' }))).toEqual([
        'sign_in.success',
      ]);
      // The agent's own address, and a customer's: applied, as before.
      for (const actor of [agent.email, customerEmail]) {
        const a = await answer(agent, { actor, action: 'sign_in.success' });
        expect({ actor, note: a.page.actorNotApplied, rows: actions(a) }).toEqual({
          actor,
          note: undefined,
          rows: ['sign_in.success'],
        });
        expect((await answer(agent, { actor })).page.colleagueWorkOnly).toBeUndefined();
      }
      // An address that is no login's is no colleague: "No login has that email", as before.
      const nobody = await answer(agent, { actor: 'nobody@staff.example', action: 'sign_in.success' });
      expect(nobody.page).toMatchObject({ unknown: 'actor', actorNotApplied: undefined });
      // An action that is not about the person: the colleague's work, applied.
      const work = await answer(agent, { actor: colleague.email, action: 'customer_user.signed_out' });
      expect({ note: work.page.actorNotApplied, rows: actions(work) }).toEqual({
        note: undefined,
        rows: ['customer_user.signed_out'],
      });
    });

    it('lists a colleague’s work on customer accounts to an agent, and says that the rest is an admin’s', async () => {
      const work = await answer(agent, { actor: colleague.email });
      expect({ only: work.page.colleagueWorkOnly, rows: actions(work) }).toEqual({
        only: true,
        rows: ['customer_user.signed_out'],
      });
      const adminsRows = await answer(agent, { actor: admin.email });
      expect({ only: adminsRows.page.colleagueWorkOnly, rows: actions(adminsRows) }).toEqual({
        only: true,
        rows: [],
      });
      const all = await answer(admin, { actor: colleague.email });
      expect({ only: all.page.colleagueWorkOnly, rows: actions(all) }).toEqual({
        only: undefined,
        rows: ['access.denied', 'customer_user.signed_out', 'sign_in.success'],
      });
      const short = (s: string) => s.replace(/“ [^”]* ”/g, '“…”');
      expect(short((await said(agent, { actor: admin.email })).words)).toBe(
        'No entries match these filters. “…” is another staff login: only their work on customer accounts is listed. Their sign-ins, sessions, two-factor codes and refused access, and staff management, are for admins to read.',
      );
      expect((await said(agent, { actor: colleague.email })).words).toMatch(
        /^1 entry matches these filters on this page\. “ agent-[^ ]+ ” is another staff login: only their work/,
      );
      expect((await said(agent, { actor: colleague.email }, 'es')).words).toContain(
        'es el acceso de otra persona del personal: solo se muestra lo que hizo en las cuentas de clientes',
      );
      expect((await said(admin, { actor: colleague.email })).words).not.toContain('staff login');
    });

    it('says in the status region, in English and Spanish, that the actor filter names a staff login whose rows are an admin’s', async () => {
      const en = await said(agent, { actor: admin.email, action: 'sign_in.success' });
      expect(en.words.replace(/“ [^”]* ”/, '“…”')).toBe(
        'The actor filter, “…”, names another staff login: their sign-ins, sessions, two-factor codes and refused access are for admins to read, not for your role, so no entries are shown. Choose another action, or “Any action” to see their work on customer accounts.',
      );
      // Said back as typed, isolated, cut to 40 characters with an ellipsis (lib/staff/said-back.ts).
      expect(en.html).toContain(`“<bdi>${admin.email.slice(0, 39)}…</bdi>”`);
      expect(en.words).not.toContain('No entries match');
      const es = await said(agent, { actor: admin.email, action: 'sign_in.success' }, 'es');
      expect(es.words).toContain('es el acceso de otra persona del personal');
      expect(es.words).toContain('solo los leen los administradores, no el rol de usted');
    });

    it('says every filter that was not applied at once, with no query, and keeps the action’s note while the link names it', async () => {
      const cases: [Record<string, string>, object, string[]][] = [
        [
          { action: 'staff_user.disabled', from: 'yesterday' },
          { unreadable: ['from'], actionNotApplied: 'hidden', unknown: null },
          ['The action filter in this link', '“ yesterday ” is not a day'],
        ],
        [
          { action: 'staff_user.disabled', from: '2026-12-08', to: '2026-12-01' },
          { unreadable: [], actionNotApplied: 'hidden', unknown: 'days', unmatched: ['days'] },
          ['The action filter in this link', 'The “From” day is after the “To” day'],
        ],
        [
          { action: 'no_such.action', account: 'ACC-0000000' },
          { unreadable: [], actionNotApplied: 'unknown', unknown: 'account', unmatched: ['account'] },
          ['No account has that number.', 'The action filter in this link, “ no_such.action ”'],
        ],
        [
          { account: 'ACC-0000000', actor: admin.email, action: 'sign_in.success', to: '1 Dec' },
          { unreadable: ['to'], actorNotApplied: 'colleague', unknown: 'account', unmatched: ['account'] },
          ['No account has that number.', 'The actor filter, “', '“ 1 Dec ” is not a day'],
        ],
      ];
      for (const [raw, page, reasons] of cases) {
        const a = await answer(agent, raw);
        expect({ raw, page: a.page, queried: a.queried }).toMatchObject({
          raw,
          page: { entries: [], ...page },
          queried: false,
        });
        const { html, words } = await said(agent, raw);
        // A lead sentence, then one item per reason, in the form's order.
        expect({ raw, words }).toMatchObject({
          raw,
          words: expect.stringMatching(
            new RegExp(`^No entries are shown, for these ${reasons.length} reasons: `),
          ),
        });
        const items = [...html.matchAll(/<li>(.*?)<\/li>/g)].map((m) => text(m[1]!).trim());
        expect({ raw, items: items.map((item, i) => item.startsWith(reasons[i]!)) }).toEqual({
          raw,
          items: reasons.map(() => true),
        });
      }
      expect((await said(agent, { action: 'staff_user.disabled', from: 'yesterday' }, 'es')).words).toMatch(
        /^No se muestra ninguna entrada, por estos 2 motivos: /,
      );
      // The day corrected, the link still naming the action: its note stays, alone.
      const corrected = await said(agent, { action: 'staff_user.disabled', from: '2026-12-01' });
      expect(corrected.words).toMatch(
        /^The action filter in this link, “ staff_user\.disabled ”, was not applied/,
      );
      expect(corrected.html).not.toContain('<li>');
      // Each of these alone is one sentence, as before.
      expect((await said(agent, { from: 'yesterday' })).words).toMatch(/^“ yesterday ” is not a day/);
    });
  },
);

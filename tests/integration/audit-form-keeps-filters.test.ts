import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import { auditActionsFor, auditFilterSchema, listAudit, type AuditFilter } from '@/lib/staff/audit-query';
import { AuditAnswer } from '@/components/staff/audit-answer';
import { AuditFilters } from '@/components/staff/audit-filters';
import { AuditTable } from '@/components/staff/audit-table';
import { SearchResults } from '@/components/staff/search-results';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// Testers, 2026-12-08. (1) A link whose action filter was not applied showed the form with "Any
// action" in the select; correcting the day and submitting dropped the action in silence, and the
// next page read as if it still filtered by it. (2) Values said back were cut at 40 characters with
// no ellipsis. (3) A refused sign-in link's row named nobody, and said nothing about it.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]!) : undefined;
};

/**
 * What the browser sends when the form in `html` is submitted with `change` typed over its fields: each
 * input's value, each select's chosen option (the first when none is marked), empty entries left out
 * (FilterForm's leaveOutEmpty), as the URL's parameters.
 */
function submit(html: string, change: Record<string, string> = {}): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (name) sent[name] = attr(tag, 'value') ?? '';
  }
  for (const [, open, body] of html.matchAll(/<select([^>]*)>(.*?)<\/select>/g)) {
    const options = [...body!.matchAll(/<option([^>]*)>/g)].map((m) => m[1]!);
    const chosen = options.find((o) => /\sselected=""/.test(o)) ?? options[0]!;
    sent[attr(open!, 'name')!] = attr(chosen, 'value') ?? '';
  }
  Object.assign(sent, change);
  return Object.fromEntries(Object.entries(sent).filter(([, v]) => v !== ''));
}

describe.each(dialects())('the audit filter form keeps every filter of the link, on %s', (dialect) => {
  let agent: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff({ role: 'agent' });
    const { account } = await makeAccount();
    await audit({ action: 'request.approved', actor: agent, accountId: account.id, meta });
  });

  /** The form an agent sees for the URL's `raw` filters, and listAudit's answer to them. */
  async function page(raw: Record<string, string>, locale: 'en' | 'es' = 'en') {
    const f: AuditFilter = auditFilterSchema.parse(raw);
    const form = render(h(AuditFilters, { f, timeZone: 'UTC', actions: auditActionsFor('agent') }), locale);
    return { f, form, answer: await listAudit(agent, f) };
  }

  it('sends a hidden or unknown action again when another field is corrected, so the next page still says it was not applied', async () => {
    for (const [action, why] of [
      ['staff_user.disabled', 'hidden'],
      ['no_such.action', 'unknown'],
    ] as const) {
      const first = await page({ action, from: 'yesterday' });
      expect(first.answer).toMatchObject({ actionNotApplied: why, unreadable: ['from'] });
      // The reader corrects the day only.
      const sent = submit(first.form, { from: '2026-12-01' });
      expect(sent).toEqual({ action, from: '2026-12-01' });
      const next = await page(sent);
      expect(next.answer).toMatchObject({ entries: [], actionNotApplied: why, unreadable: [] });
      // Choosing "Any action" clears it: the search runs.
      const cleared = await page(submit(next.form, { action: '' }));
      expect(cleared.answer.actionNotApplied).toBeUndefined();
      expect(cleared.f.action).toBeUndefined();
    }
  });

  it('offers the kept action as a choice of its own, chosen, with a hint tied to the select, in English and Spanish', async () => {
    const { form } = await page({ action: 'staff_user.disabled' });
    const select = /<select[^>]*name="action"[^>]*>/.exec(form)![0];
    expect(attr(select, 'aria-describedby')).toBe('action-hint');
    expect(form).toMatch(/<p id="action-hint"[^>]*>The action in the link was not applied/);
    expect(form).toContain(
      '<option value="">Any action</option><option value="staff_user.disabled" selected="">Not applied: “staff_user.disabled”</option>',
    );
    const es = (await page({ action: 'staff_user.disabled' }, 'es')).form;
    expect(es).toContain('No aplicado: «staff_user.disabled»');
    expect(text(es)).toContain('La acción del enlace no se aplicó');
    // A long code is cut with an ellipsis in the words, sent whole.
    const long = `no_such.${'x'.repeat(50)}`;
    const cut = (await page({ action: long })).form;
    expect(cut).toContain(`<option value="${long}" selected="">Not applied: “no_such.${'x'.repeat(31)}…”`);
    expect(submit(cut)).toEqual({ action: long });
  });

  it('keeps a day that cannot be read in a text field, marked invalid, and every other field as the link had it', async () => {
    const raw = {
      account: 'not an account',
      actor: 'a'.repeat(300),
      action: 'BAD ACTION!',
      from: 'yesterday',
      to: '2026-13-45',
    };
    const { form, answer } = await page(raw);
    expect(answer.unreadable).toEqual(['account', 'actor', 'action', 'from', 'to']);
    // Sent again as the link had it, each one: nothing dropped.
    expect(submit(form)).toEqual(raw);
    for (const field of ['account', 'actor', 'action', 'from', 'to']) {
      const tag = new RegExp(`<(input|select)[^>]*name="${field}"[^>]*>`).exec(form)![0];
      expect({ field, invalid: attr(tag, 'aria-invalid') }).toEqual({ field, invalid: 'true' });
      expect(attr(tag, 'aria-describedby')).toContain(`${field}-error`);
    }
    expect(/<input[^>]*name="from"[^>]*>/.exec(form)![0]).not.toContain('type="date"');
    expect(text(form)).toContain(
      'Not applied: not a day. Type it as year-month-day (2026-12-08), or clear it.',
    );
    // A readable day is still a date field, and nothing is marked.
    const fine = (await page({ from: '2026-12-01' })).form;
    expect(/<input[^>]*name="from"[^>]*>/.exec(fine)![0]).toContain('type="date"');
    expect(fine).not.toMatch(/\saria-invalid=/);
  });
});

describe('a value said back on staff pages', () => {
  it('is cut with a visible ellipsis in the audit answer and the search results', async () => {
    const long = 'x'.repeat(60);
    const f = auditFilterSchema.parse({ action: long });
    const page = {
      entries: [],
      next: null,
      unknown: null,
      unmatched: undefined,
      unreadable: f.unreadable ?? [],
      actionNotApplied: 'unknown' as const,
      actorNotApplied: undefined,
      colleagueWorkOnly: undefined,
    };
    const said = text(render(h(AuditAnswer, { page, f, filtered: true })));
    expect(said).toContain(`“ ${'x'.repeat(39)}… ”`);
    expect(said).not.toContain('x'.repeat(40));
    // The search's "No account matches" names exactly what was searched (searchedText caps it at
    // 100 characters), uncut: e2e/05 reads it back whole.
    const search = text(render(h(SearchResults, { hits: [], q: long, tooShort: false, more: false })));
    expect(search).toContain(long);
    expect(search).not.toContain('…');
  });
});

describe('a refused sign-in link’s row', () => {
  const row = (detail: string | null) => ({
    id: 'r1',
    at: new Date('2026-12-08T10:00:00Z'),
    action: 'sign_in.link_refused',
    actorEmail: null,
    systemActor: null,
    ip: '192.0.2.1',
    userAgent: 'vitest',
    account: null,
    target: null,
    targetHref: null,
    detail: readAuditDetail('sign_in.link_refused', detail),
    signIn: null,
  });

  it('names the address the link was for when the row has it, never a token; says so when it does not, in both languages', () => {
    const named = render(
      h(AuditTable, { entries: [row('{"email":"dana@xn--clnica-peasco-xib1e.example"}')] }),
    );
    expect(text(named)).toContain('Link for dana@clínica-peñasco.example');
    expect(text(named)).not.toContain('does not record');
    const es = render(h(AuditTable, { entries: [row('{"email":"dana@acme.example"}')] }), 'es');
    expect(text(es)).toContain('Enlace para dana@acme.example');
    // A token under any key a writer might use is withheld, never shown.
    const token = render(h(AuditTable, { entries: [row(`{"token":"${'a'.repeat(64)}"}`)] }));
    expect(token).not.toContain('a'.repeat(64));
    // The rows written so far name nobody: said, not an empty cell.
    expect(text(render(h(AuditTable, { entries: [row(null)] })))).toContain(
      'This entry does not record whose link it was.',
    );
    expect(text(render(h(AuditTable, { entries: [row(null)] }), 'es'))).toContain(
      'Esta entrada no registra de quién era el enlace.',
    );
  });
});

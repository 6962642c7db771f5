import crypto from 'node:crypto';
import { createTranslator } from 'use-intl/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { readAccountFilter } from '@/lib/staff/account-filter';
import { AUDIT_FILTER_FIELDS, auditFilterSchema, listAudit } from '@/lib/staff/audit-query';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// Review of 2026-12-05. (1) An audit filter holding an invisible character (a number pasted from iOS
// Contacts comes wrapped in U+202D…U+202C, an address with a trailing zero-width space), or one longer
// than its field, was no filter: the whole log was shown as if it were the answer. (2) The target of
// a row about a login always linked to /staff/users, an admin's page that lists staff, never
// customers (an agent got a 404).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

describe('the audit page’s words for a filter it cannot read', () => {
  it.each([
    ['en', en],
    ['es', es],
  ])('%s has a sentence for each filter, saying back what was typed', (locale, messages) => {
    const t = createTranslator({ locale, messages, namespace: 'staff.audit.unreadable' });
    for (const field of AUDIT_FILTER_FIELDS)
      expect(t.rich(field, { typed: () => '«X»' }), field).toEqual(expect.stringContaining('«X»'));
  });
});

describe('readAccountFilter (the queue’s ?account= and the audit log’s account filter)', () => {
  it('reads a number pasted with invisible characters as that number, and keeps what cannot be read to say back', () => {
    // Before, the queue said "“ACC-1001” is not an account number" (its echo drops the marks) for a
    // number pasted from iOS Contacts, and the audit log dropped the filter.
    expect(readAccountFilter('\u202dACC-1001\u202c')).toEqual({ typed: 'ACC-1001', number: 'ACC-1001' });
    expect(readAccountFilter('\u202d1001\u202c')).toEqual({ typed: '1001', number: 'ACC-1001' });
    expect(readAccountFilter(' acc 1001\u200b ')).toEqual({ typed: 'acc 1001', number: 'ACC-1001' });
    expect(readAccountFilter('ACC-1\u0000')).toEqual({ typed: 'ACC-1', number: 'ACC-1' });
    expect(readAccountFilter('\u2066not-an-account\u2069')).toEqual({
      typed: 'not-an-account',
      number: null,
    });
    // Account numbers need no digit (ACC-DEMO): the account page links to its audit log with its own.
    expect(readAccountFilter('ACC-DEMO')).toEqual({ typed: 'ACC-DEMO', number: 'ACC-DEMO' });
    expect(readAccountFilter('\u202dacc-past\u202c')).toEqual({ typed: 'acc-past', number: 'ACC-PAST' });
    for (const typed of [
      'acc demo',
      'ACC_DEMO',
      'acc.demo',
      'acc\u2013demo',
      '\uff21\uff23\uff23\uff0d\uff24\uff25\uff2d\uff2f',
    ])
      expect(readAccountFilter(typed)?.number, typed).toBe('ACC-DEMO');
    // Not another account's number by case folding: "ß" is no "SS".
    expect(readAccountFilter('acc-\u00df')?.number).toBeNull();
    expect(readAccountFilter('\u202d\u202c ')).toBeNull();
  });
});

describe.each(dialects())('audit filters and target links on %s', (dialect) => {
  let agent: CurrentUser;
  let admin: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff({ role: 'agent' });
    admin = await makeStaff({ role: 'admin' });
  });

  const read = (raw: Record<string, string>) => auditFilterSchema.parse(raw);

  it('reads a filter without the invisible characters pasted with it, as the search box does', async () => {
    const { account } = await makeAccount();
    const email = `pasted-${crypto.randomUUID().slice(0, 8)}@t.example`;
    const actor = await getDb().user.create({ data: { email, role: 'customer' } });
    await audit({ action: 'request.submitted', actor, accountId: account.id, meta });
    // Another account's row: what an unfiltered log would show too.
    await audit({
      action: 'request.submitted',
      actor: agent,
      accountId: (await makeAccount()).account.id,
      meta,
    });
    const typed: Record<string, string>[] = [
      { account: `\u202d${account.number}\u202c` },
      { account: `\u202d${account.number.slice(4)}\u202c` },
      { account: `\u200b${account.number}\ufeff` },
      { account: `${account.number}\u0000` },
      { actor: `${email}\u200b` },
      { actor: `\u2066${email.toUpperCase()}\u2069` },
      { actor: email, action: 'request.submitted\u200b' },
      { account: account.number, from: '\u202d2000-01-01\u202c', to: '9999-12-31\u200e' },
    ];
    for (const raw of typed) {
      const f = read(raw);
      const page = await listAudit(agent, f);
      // One row: this account's, or this login's; the unfiltered log holds at least two.
      expect({
        raw,
        unreadable: f.unreadable ?? [],
        unknown: page.unknown,
        rows: page.entries.length,
      }).toEqual({ raw, unreadable: [], unknown: null, rows: 1 });
    }
    expect(read({ account: `\u202d${account.number}\u202c`, actor: `${email}\u200b` })).toMatchObject({
      account: account.number,
      actor: email,
    });
    // Nothing left once they are gone is no filter.
    expect(read({ account: '\u202d\u202c', actor: '\u200b' })).toMatchObject({
      account: undefined,
      actor: undefined,
      unreadable: [],
    });
  });

  it('says which filter it cannot read, and shows no entries rather than the unfiltered log', async () => {
    const { account } = await makeAccount();
    await audit({ action: 'request.submitted', actor: agent, accountId: account.id, meta });
    const cases: [Record<string, string>, string[]][] = [
      [{ account: `${account.number}${'0'.repeat(40)}` }, ['account']],
      [{ account: `\u202d${'ACC-'.repeat(12)}\u202c` }, ['account']],
      [{ account: 'not an account' }, ['account']],
      [{ actor: `${'a'.repeat(250)}@t.example` }, ['actor']],
      [{ action: 'x'.repeat(65) }, ['action']],
      [{ action: 'request approved' }, ['action']],
      [{ from: 'yesterday' }, ['from']],
      [{ to: '2026-02-30' }, ['to']],
      // A filter that can be read beside one that cannot: still no entries.
      [{ account: account.number, actor: `${'a'.repeat(250)}@t.example`, from: '1 Dec' }, ['actor', 'from']],
    ];
    for (const [raw, fields] of cases) {
      const f = read(raw);
      expect({ raw, unreadable: f.unreadable }).toEqual({ raw, unreadable: fields });
      const page = await listAudit(agent, f);
      expect({ raw, page }).toEqual({
        raw,
        page: { entries: [], next: null, unknown: null, unreadable: fields, badCursor: false },
      });
    }
    // What was typed is kept, as typed, for the page to say back and the form to show.
    expect(read({ account: 'not an account', actor: `${'A'.repeat(250)}@t.example` })).toMatchObject({
      account: 'not an account',
      actor: `${'A'.repeat(250)}@t.example`,
    });
    // An account number no account has is read, and said to be nobody's.
    expect(await listAudit(agent, read({ account: '\u202dACC-0000000\u202c' }))).toMatchObject({
      unknown: 'account',
      unreadable: [],
    });
  });

  it('links a row about a customer’s login to the portal logins of its account, a staff login’s to the staff list for admins', async () => {
    const db = getDb();
    const { account, users } = await makeAccount();
    const customer = users[0]!;
    const staffLogin = await makeStaff({ role: 'agent' });
    const gone = await db.user.create({ data: { email: uniqueEmail('gone'), role: 'customer' } });
    const rows = [
      ['customer_user.disabled', customer.id, account.id],
      ['customer_user.signed_out', customer.id, account.id],
      ['access.denied', customer.id, account.id],
      // The operator's reset of a customer's second factor names no account: no page lists it alone.
      ['user.second_factor_reset', customer.id, null],
      ['staff_user.disabled', staffLogin.id, null],
      ['user.created', staffLogin.id, null],
      ['customer_user.enabled', gone.id, account.id],
    ] as const;
    const written = [];
    for (const [action, id, accountId] of rows)
      written.push(
        await db.auditLog.create({
          data: {
            action,
            actorId: admin.id,
            actorEmail: admin.email,
            accountId,
            targetType: 'user',
            targetId: id,
          },
        }),
      );
    await db.user.delete({ where: { id: gone.id } });
    const logins = `/staff/accounts/${account.number}#logins-title`;
    const expected = {
      // Rows about a staff login, and a colleague's own access.denied (here the admin is its actor),
      // are not an agent's to read (lib/staff/audit-query.ts hiddenFromReader).
      agent: [logins, logins, undefined, null, undefined, undefined, null],
      admin: [logins, logins, logins, null, '/staff/users', '/staff/users', null],
    };
    for (const [who, reader] of [
      ['agent', agent],
      ['admin', admin],
    ] as const) {
      const { entries } = await listAudit(reader, { actor: admin.email });
      expect({ who, hrefs: written.map((w) => entries.find((e) => e.id === w.id)?.targetHref) }).toEqual({
        who,
        hrefs: expected[who],
      });
    }
  });
});

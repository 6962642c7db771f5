import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { runAdmin } from '@/tests/helpers/admin-cli';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';

// `npm run admin -- audit-rows --email E`: what the audit log holds about one person, for their
// request under GDPR Art. 15 (docs/operations.md, "Retention").

describe.each(dialects())('the operator CLI’s audit-rows on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('prints, as JSON, the rows of the login, those tried with its address and those about it, and writes nothing', async () => {
    const db = getDb();
    const { account, users } = await makeAccount();
    const ana = users[0]!;
    const agent = await makeStaff({ role: 'agent' });
    const other = (await makeAccount()).users[0]!;
    const at = (m: number) => new Date(Date.UTC(2026, 10, 1, 9, m));
    const own = await db.auditLog.create({
      data: {
        at: at(1),
        action: 'sign_in.success',
        actorId: ana.id,
        actorEmail: ana.email,
        ip: '203.0.113.5',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
        detail: JSON.stringify({ knownDevice: false }),
      },
    });
    const tried = await db.auditLog.create({
      data: {
        at: at(2),
        action: 'sign_in.failure',
        actorEmail: ana.email,
        ip: '198.51.100.66',
        detail: JSON.stringify({ email: ana.email, knownDevice: false }),
      },
    });
    const about = await db.auditLog.create({
      data: {
        at: at(3),
        action: 'customer_user.disabled',
        actorId: agent.id,
        actorEmail: agent.email,
        accountId: account.id,
        targetType: 'user',
        targetId: ana.id,
      },
    });
    await db.auditLog.create({
      data: { at: at(4), action: 'sign_in.success', actorId: other.id, actorEmail: other.email },
    });
    await db.auditLog.create({ data: { at: at(5), action: 'sign_in.failure', actorEmail: other.email } });
    const before = await db.auditLog.count();

    const run = runAdmin(['audit-rows', '--email', ` ${ana.email.toUpperCase()} `], '', {
      DATABASE_URL: url,
    });
    expect(run, run.err).toMatchObject({ code: 0 });
    const out = JSON.parse(run.out) as {
      email: string;
      login: { id: string; role: string };
      rows: Record<string, unknown>[];
    };
    expect(out.email).toBe(ana.email);
    expect(out.login).toEqual({ id: ana.id, role: 'customer' });
    expect(out.rows.map((r) => r.id)).toEqual([own.id, tried.id, about.id]);
    expect(out.rows[0]).toMatchObject({
      action: 'sign_in.success',
      at: at(1).toISOString(),
      ip: '203.0.113.5',
      userAgent: expect.stringContaining('Firefox/133.0'),
      detail: { knownDevice: false },
    });
    expect(out.rows[2]).toMatchObject({ account: account.number, actorEmail: agent.email });
    // Read only: not even a row saying it was read.
    expect(await db.auditLog.count()).toBe(before);
  });

  it('refuses an address that is not one, with a message and nothing on stdout', () => {
    const run = runAdmin(['audit-rows', '--email', 'not-an-address'], '', { DATABASE_URL: url });
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/a valid --email is required/);
    expect(run.out).toBe('');
    // No --email at all: said so in words, not a schema's "expected string, received undefined".
    const none = runAdmin(['audit-rows'], '', { DATABASE_URL: url });
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/--email is required/);
    expect(none.err).not.toMatch(/received undefined/);
  });
});

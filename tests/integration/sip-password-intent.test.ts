import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { recoverPasswordChanges, resetSipPassword } from '@/lib/credentials/reset';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// Issue 10 item 7: a SIP password the switch accepted is never lost. The intent is recorded before
// the call; when recording the completion fails (a writer holds the SQLite file), the user is still
// told the switch has it, and the change is completed later; after a restart it is recovered.

let sim: TestSim;
const meta = { ip: '192.0.2.7', userAgent: 'vitest' };
const strong = () => `Xq7-${crypto.randomBytes(12).toString('base64url')}`;

async function provisioned() {
  const made = await makeAccount({ members: [`p-${crypto.randomUUID()}@t.example`] });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return made;
}

// One simulator for the whole file: the app's own switch client (env, cached) points at it.
appSimPerFile((s) => (sim = s));

describe.each(dialects())('SIP password intent on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a normal reset records the intent and completes it, without the password anywhere in the row', async () => {
    const { users, creds } = await provisioned();
    const password = strong();
    expect(await resetSipPassword(asCustomer(users[0]), creds[0].id, password, meta)).toEqual({
      ok: true,
      data: { recorded: true, liftQueued: false },
    });
    const change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: creds[0].id } });
    expect(change).toMatchObject({ status: 'applied', ip: meta.ip });
    expect(JSON.stringify(change)).not.toContain(password);
  });

  it('the switch refuses: the intent is marked failed and nothing is recorded as changed', async () => {
    const { users, creds } = await provisioned();
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 422 });
    const outcome = await resetSipPassword(asCustomer(users[0]), creds[0].id, strong(), meta);
    await sim.control('DELETE', '/_sim/faults');
    expect(outcome).toMatchObject({
      ok: false,
      code: 'unavailable',
      note: { values: { failure: { key: 'outcome.switch.refused' } } },
    });
    expect(
      (await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: creds[0].id } })).status,
    ).toBe('failed');
    expect(
      (await getDb().sipCredential.findUniqueOrThrow({ where: { id: creds[0].id } })).passwordChangedAt,
    ).toBeNull();
  });

  it('after a restart: a change the switch confirmed is completed, one with no answer is marked unknown and audited', async () => {
    const { users, creds } = await provisioned();
    const old = new Date(Date.now() - 5 * 60_000);
    const confirmed = await getDb().sipPasswordChange.create({
      data: {
        credentialId: creds[0].id,
        userId: users[0].id,
        score: 4,
        createdAt: old,
        switchConfirmedAt: old,
      },
    });
    const lost = await getDb().sipPasswordChange.create({
      data: { credentialId: creds[1].id, userId: users[0].id, score: 4, createdAt: old },
    });
    const fresh = await getDb().sipPasswordChange.create({
      data: { credentialId: creds[1].id, userId: users[0].id, score: 4 },
    });
    expect(await recoverPasswordChanges()).toBe(2);
    expect((await getDb().sipPasswordChange.findUniqueOrThrow({ where: { id: confirmed.id } })).status).toBe(
      'applied',
    );
    expect(
      (
        await getDb().sipCredential.findUniqueOrThrow({ where: { id: creds[0].id } })
      ).passwordChangedAt?.toISOString(),
    ).toBe(old.toISOString());
    expect((await getDb().sipPasswordChange.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe(
      'unknown',
    );
    expect(
      await getDb().auditLog.count({
        where: { action: 'sip_password.change_unknown', targetId: creds[1].id },
      }),
    ).toBe(1);
    expect(
      (await getDb().sipCredential.findUniqueOrThrow({ where: { id: creds[1].id } })).passwordChangedAt,
    ).toBeNull();
    expect((await getDb().sipPasswordChange.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe(
      'sending',
    ); // still in flight
  });
});

// SQLite only: the input of the issue is another process holding the SQLite file (PostgreSQL has no
// file lock; its equivalent, a lost connection, is the restart case above).
describe('SIP password intent when the SQLite file is busy', () => {
  let url: string;
  beforeAll(async () => {
    process.env.SQLITE_BUSY_TIMEOUT_MS = '100';
    url = await useFreshDb('sqlite');
  });

  it('the database busy after the switch’s 204: the user is told it is set, and it is recorded once the file is free', async () => {
    const { users, creds } = await provisioned();
    const cred = creds[0];
    // The switch takes 1.5 s; meanwhile another process takes the write lock for 7 s, longer than
    // the request's own retries.
    await sim.control('PUT', '/_sim/faults', { delayMs: 1500, delayNext: 1 });
    const other = new Database(sqlitePath(url));
    const pending = resetSipPassword(asCustomer(users[0]), cred.id, strong(), meta);
    await new Promise((r) => setTimeout(r, 700));
    other.exec('BEGIN IMMEDIATE');
    const release = setTimeout(() => other.exec('COMMIT'), 7000);
    const outcome = await pending;
    expect(outcome).toEqual({ ok: true, data: { recorded: false, liftQueued: false } });
    // The switch has the new password.
    await new Promise((r) => setTimeout(r, 7500));
    clearTimeout(release);
    other.close();
    // Completed in the background once the file was free (retry every 5 s).
    const deadline = Date.now() + 15_000;
    let change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
    while (change.status !== 'applied' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      change = await getDb().sipPasswordChange.findFirstOrThrow({ where: { credentialId: cred.id } });
    }
    expect(change.status).toBe('applied');
    expect(
      (await getDb().sipCredential.findUniqueOrThrow({ where: { id: cred.id } })).passwordChangedAt,
    ).not.toBeNull();
    expect(
      await getDb().auditLog.count({ where: { action: 'sip_password.changed', targetId: cred.id } }),
    ).toBe(1);
    expect(
      await getDb().mailMessage.count({
        where: { template: 'sip_password_changed', payload: { contains: cred.id } },
      }),
    ).toBe(1);
  }, 40_000);
});

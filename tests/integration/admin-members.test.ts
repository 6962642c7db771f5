import crypto from 'node:crypto';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  CommandError,
  createAccount,
  createUser,
  operatorIdentity,
  removeMember,
} from '@/lib/accounts/commands';
import { getAccountForUser, listAccountsForUser } from '@/lib/accounts/queries';
import { accountsOfMember } from '@/lib/accounts/reader-scope';
import { getBlockForUser } from '@/lib/blocks/queries';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { queueMailToMembers } from '@/lib/mail/queue';
import { getRequestForStaff } from '@/lib/requests/detail';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The operator CLI's account members (lib/accounts/commands.ts addMember / removeMember) and
// create-account's question to the switch. Review, session 42: only create-user linked a login to an
// account, once, and nothing unlinked one; create-account made accounts the switch did not know.

const PASSWORD = 'harbour lantern granite violet';
const uid = () => crypto.randomInt(10 ** 5, 10 ** 6);

/** The CommandError message of `p`, or what it did instead. */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'done',
    (e: Error) => (e instanceof CommandError ? e.message : `not a CommandError: ${e}`),
  );

/** Two accounts (no switch asked) and a customer of the first, as create-user --account makes one. */
async function danaOfOne() {
  const db = getDb();
  const n = uid();
  const dental = await createAccount(db, { number: `ACC-1${n}`, name: `Dental ${n}` });
  const labs = await createAccount(db, { number: `ACC-2${n}`, name: `Labs ${n}` });
  const email = `dana-${n}@acme.example`;
  const dana = await createUser(db, { email, role: 'customer', account: dental.number, password: PASSWORD });
  return { db, dental, labs, dana, email };
}

const numbersOf = async (userId: string) => (await listAccountsForUser(userId)).map((a) => a.number);

describe.each(dialects())('account members from the operator CLI on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it("add-member: a customer's second account (CONTRACTS §5's Dana), once, audited with who ran it", async () => {
    const { db, dental, labs, dana, email } = await danaOfOne();
    expect(await numbersOf(dana.id)).toEqual([dental.number]);
    // Typed as an operator reads it out: the address in any case, the number as "acc …".
    expect(
      await addMember(db, { email: email.toUpperCase(), account: labs.number.replace('ACC-', 'acc ') }),
    ).toEqual({ email, account: labs.number, changed: true });
    expect(await numbersOf(dana.id)).toEqual([dental.number, labs.number]);
    // Again: the same answer as a script that runs twice expects, and nothing written.
    expect(await addMember(db, { email, account: labs.number })).toEqual({
      email,
      account: labs.number,
      changed: false,
    });
    expect(await db.membership.count({ where: { userId: dana.id } })).toBe(2);
    const rows = await db.auditLog.findMany({ where: { action: 'membership.added', targetId: dana.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorEmail: 'operator-cli', accountId: labs.id, targetType: 'user' });
    expect(JSON.parse(rows[0]!.detail!)).toEqual({
      email,
      osUser: os.userInfo().username,
      host: os.hostname(),
    });
    // The language stays the person's own (docs/operations.md): not re-derived from the new account.
    expect((await db.user.findUniqueOrThrow({ where: { id: dana.id } })).locale).toBe(dana.locale);
  });

  it('add-member: a customer created without --account gets their first account', async () => {
    const db = getDb();
    const n = uid();
    const account = await createAccount(db, { number: `ACC-3${n}`, name: `Pier ${n}` });
    const email = `solo-${n}@pier.example`;
    const solo = await createUser(db, { email, role: 'customer', password: PASSWORD });
    expect(await numbersOf(solo.id)).toEqual([]);
    await addMember(db, { email, account: account.number });
    expect(await numbersOf(solo.id)).toEqual([account.number]);
  });

  it('add-member and remove-member refuse an unknown login or account and a staff login, writing nothing', async () => {
    const { db, labs, email } = await danaOfOne();
    const staff = await makeStaff({ role: 'admin' });
    const before = await Promise.all([db.membership.count(), db.auditLog.count()]);
    for (const run of [addMember, removeMember]) {
      expect(await refusal(run(db, { email: `nobody-${uid()}@acme.example`, account: labs.number }))).toMatch(
        /^no user nobody-\d+@acme\.example: create the login first/,
      );
      expect(await refusal(run(db, { email, account: 'ACC-9999999' }))).toBe('no account ACC-9999999');
      expect(await refusal(run(db, { email: staff.email, account: labs.number }))).toBe(
        `${staff.email} is a staff login (admin): staff see every account and are no member of one`,
      );
      expect(await refusal(run(db, { email: 'not an address', account: labs.number }))).toMatch(/--email/);
      expect(await refusal(run(db, { email, account: 'Labs' }))).toMatch(/--account/);
    }
    expect(await Promise.all([db.membership.count(), db.auditLog.count()])).toEqual(before);
  });

  it('remove-member: the next read no longer sees the account; what they filed stays for staff', async () => {
    const { db, dental, labs, dana, email } = await danaOfOne();
    await addMember(db, { email, account: labs.number });
    const colleague = `lab-${uid()}@acme.example`;
    await createUser(db, { email: colleague, role: 'customer', account: labs.number, password: PASSWORD });
    const block = await makeBlock(labs.id);
    const request = await makeRequest(block, dana.id);
    expect(await getBlockForUser(dana.id, block.id)).not.toBeNull();

    expect(await removeMember(db, { email, account: labs.number })).toEqual({
      email,
      account: labs.number,
      changed: true,
      membersLeft: 1,
    });
    // Every customer read is scoped by membership in its query, at the next request: nothing cached.
    expect(await numbersOf(dana.id)).toEqual([dental.number]);
    expect(await getAccountForUser(dana.id, labs.number)).toBeNull();
    expect(await getBlockForUser(dana.id, block.id)).toBeNull();
    expect((await accountsOfMember(dana.id)).map((a) => a.number)).toEqual([dental.number]);
    // Her login and her other account stay; her pending request stays in the staff queue.
    expect(await getAccountForUser(dana.id, dental.number)).not.toBeNull();
    const seen = await getRequestForStaff(await makeStaff(), request.id);
    expect(seen).toMatchObject({ id: request.id, status: 'pending' });
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'membership.removed', targetId: dana.id },
    });
    expect(row).toMatchObject({ actorEmail: 'operator-cli', accountId: labs.id });
    expect(JSON.parse(row.detail!)).toEqual({ email, ...operatorIdentity() });
    // Again: not a member, said, nothing written.
    expect(await removeMember(db, { email, account: labs.number })).toMatchObject({ changed: false });
    expect(await db.auditLog.count({ where: { action: 'membership.removed', targetId: dana.id } })).toBe(1);
  });

  it("remove-member: an account's last member only with lastMember (--last-member)", async () => {
    const { db, dental, dana, email } = await danaOfOne();
    expect(await refusal(removeMember(db, { email, account: dental.number }))).toBe(
      `${email} is the last member of ${dental.number}: without one, nobody gets its block notices or can ask ` +
        'for an unblock. Add the new contact first (add-member), or pass --last-member to remove them anyway',
    );
    expect(await numbersOf(dana.id)).toEqual([dental.number]);
    expect(await removeMember(db, { email, account: dental.number, lastMember: true })).toMatchObject({
      changed: true,
      membersLeft: 0,
    });
    expect(await numbersOf(dana.id)).toEqual([]);
  });

  it('two operators removing the last two members at once: one is removed, the other is told it is the last', async () => {
    // Under the account's lock: without it, on PostgreSQL both counted two members and both removed one.
    const db = getDb();
    const accounts = await Promise.all(
      Array.from({ length: 8 }, () =>
        makeAccount({ members: [`a-${uid()}@two.example`, `b-${uid()}@two.example`], credentials: [] }),
      ),
    );
    const results = await Promise.allSettled(
      accounts.flatMap(({ account, users }) =>
        users.map((u) => removeMember(db, { email: u.email, account: account.number })),
      ),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(refused).toHaveLength(accounts.length);
    for (const reason of refused) expect(reason).toMatch(/is the last member of/);
    for (const { account } of accounts)
      expect(await db.membership.count({ where: { accountId: account.id } })).toBe(1);
  });
});

describe.each(dialects())('mail about an account after remove-member, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  it('mail queued to a removed member for that account is not sent; the member who stays gets theirs', async () => {
    // docs/email.md: mail about an account is for who can read it when it is sent.
    const db = getDb();
    const [gone, stays] = [`gone-${uid()}@t.example`, `stays-${uid()}@t.example`];
    const { account } = await makeAccount({ members: [gone, stays] });
    const block = await makeBlock(account.id);
    await db.$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
    await removeMember(db, { email: gone, account: account.number });
    await mail.deliver();
    expect(mail.smtp.to(stays)).toHaveLength(1);
    expect(mail.smtp.to(gone)).toHaveLength(0);
    expect(await db.mailMessage.findFirstOrThrow({ where: { to: gone } })).toMatchObject({
      status: 'failed',
      lastError: 'not sent: recipient no longer a member of the account',
    });
  });
});

describe.each(dialects())('create-account asks the switch first, on %s', (dialect) => {
  let sim: TestSim;
  const client = (url = sim.url) =>
    createSwitchClient({ baseUrl: url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
  /** The switch as the CLI hands it to a command: the client and the SWITCH_API_URL it was made with. */
  const ask = (url = sim.url) => ({ client: client(url), baseUrl: url });
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  const provision = (number: string, state: object) =>
    sim.control('PUT', `/_sim/accounts/${number}`, { credentials: [], ...state });

  it('creates a number the switch does not know (a typo?) or cannot check, with a warning and the answer audited', async () => {
    const db = getDb();
    const number = `ACC-4${uid()}`;
    const typo = await createAccount(db, { number, name: 'Typo Dental' }, ask());
    expect(typo).toMatchObject({ number, onSwitch: 'not_found' });
    expect(typo.warning).toBe(
      `the switch does not know account ${number} (HTTP 404 account_not_found: no account ${number}). Check the ` +
        'number: an account the switch does not know is never blocked or lifted there (pass --offline when the ' +
        'switch learns it later)',
    );
    // No answer at all (nothing listens there): created, the answer said to be missing.
    const other = `ACC-4${uid()}`;
    const silent = await createAccount(
      db,
      { number: other, name: 'Quiet Dental' },
      ask('http://127.0.0.1:9'),
    );
    expect(silent).toMatchObject({ number: other, onSwitch: 'unknown' });
    expect(silent.warning).toMatch(new RegExp(`^the switch did not answer for account ${other} \\(`));
    for (const [n, says] of [
      [number, 'not_found'],
      [other, 'unknown'],
    ] as const) {
      const row = await db.auditLog.findFirstOrThrow({
        where: { action: 'account.created', detail: { contains: n } },
      });
      expect(JSON.parse(row.detail!)).toMatchObject({ switchSays: says });
    }
  });

  it('an account the switch allows is created as it is; the audit row says what the switch said', async () => {
    const db = getDb();
    const number = `ACC-5${uid()}`;
    await provision(number, { internationalCalling: 'allowed' });
    const a = await createAccount(db, { number, name: 'Known Co', timeZone: 'UTC' }, ask());
    expect(a).toMatchObject({ number, onSwitch: 'allowed' });
    expect(await db.block.count({ where: { accountId: a.id } })).toBe(0);
    const row = await db.auditLog.findFirstOrThrow({ where: { action: 'account.created', accountId: a.id } });
    expect(JSON.parse(row.detail!)).toEqual({
      number,
      country: 'US',
      timeZone: 'UTC',
      switchSays: 'allowed',
      ...operatorIdentity(),
    });
  });

  it("an account the switch has blocked: its first members get the block and its notice at the reconciler's next pass", async () => {
    const db = getDb();
    const number = `ACC-6${uid()}`;
    const blockedAt = new Date(Date.now() - 3600_000);
    await provision(number, {
      internationalCalling: 'blocked',
      reason: 'hotspot_source_ip',
      blockedAt: blockedAt.toISOString(),
    });
    const a = await createAccount(db, { number, name: 'Blocked Co' }, ask());
    expect(a).toMatchObject({ onSwitch: 'blocked', switchReason: 'hotspot_source_ip' });
    const row = await db.auditLog.findFirstOrThrow({ where: { action: 'account.created', accountId: a.id } });
    expect(JSON.parse(row.detail!)).toMatchObject({
      switchSays: 'blocked',
      switchReason: 'hotspot_source_ip',
    });
    // No block yet: made now, its notice would go to nobody (the account has no member before create-user).
    expect(await db.block.count({ where: { accountId: a.id } })).toBe(0);
    const email = `first-${uid()}@blocked.example`;
    const user = await createUser(db, { email, role: 'customer', account: number, password: PASSWORD });
    // The reconciler's next pass (the account is due) shows the switch's block, its notice to the member.
    const counts = await reconcilePass({ client: client(), accountNumbers: [number] });
    expect(counts.blocked_in_portal).toBe(1);
    expect(await db.block.findMany({ where: { accountId: a.id } })).toMatchObject([
      { status: 'active', reason: 'hotspot_source_ip', placedBy: 'switch', placedAt: blockedAt },
    ]);
    expect((await getAccountForUser(user.id, number))?.activeBlock).toMatchObject({
      reason: 'hotspot_source_ip',
    });
    expect(await db.mailMessage.count({ where: { to: email, template: 'block_notice' } })).toBe(1);
  });

  it('without a switch client (--offline) the switch is not asked, and the audit row says so', async () => {
    const db = getDb();
    const number = `ACC-7${uid()}`;
    const a = await createAccount(db, { number, name: 'Offline Co' });
    expect(a.onSwitch).toBe('not_asked');
    const row = await db.auditLog.findFirstOrThrow({ where: { action: 'account.created', accountId: a.id } });
    expect(JSON.parse(row.detail!)).toMatchObject({ switchSays: 'not_asked' });
  });
});

import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createAccount, createUser, removeMember } from '@/lib/accounts/commands';
import { storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { queueMailToMembers } from '@/lib/mail/queue';
import { getDb } from '@/lib/server/db';
import { runAdminAsync } from '@/tests/helpers/admin-cli';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';

// A customer login added to an account with a block in force (add-member, create-user --account) was
// never told of the block, while every member the account had when the block was placed got its
// notice (CONTRACTS §4): the newcomer found the account blocked and nothing said why (review).

const PASSWORD = 'harbour lantern granite violet';
const uid = () => crypto.randomInt(10 ** 5, 10 ** 6);

/** An account (no switch asked) with its first member, and a block the switch placed, noticed to that member. */
async function blockedAccount() {
  const db = getDb();
  const n = uid();
  const account = await createAccount(db, { number: `ACC-3${n}`, name: `Blocked ${n}` });
  const first = `first-${n}@blocked.example`;
  await createUser(db, { email: first, role: 'customer', account: account.number, password: PASSWORD });
  expect((await deliver(placedEvent(account.number, { from: [`sip-${n}`] }))).status).toBe(200);
  const block = await db.block.findFirstOrThrow({ where: { accountId: account.id, status: 'active' } });
  return { db, account, block, first, n };
}

/** A customer login of an account of their own (nothing blocked there), as add-member finds one. */
async function customerElsewhere(n: number) {
  const db = getDb();
  const own = await createAccount(db, { number: `ACC-4${n}`, name: `Own ${n}` });
  const email = `new-${n}@member.example`;
  await createUser(db, { email, role: 'customer', account: own.number, password: PASSWORD });
  return email;
}

const noticesTo = (to: string) =>
  getDb().mailMessage.findMany({ where: { to, template: 'block_notice' }, orderBy: { createdAt: 'asc' } });

/** The block's timeline rows saying a notice was queued, in English. */
async function queuedRows(blockId: string) {
  const rows = await getDb().blockEvent.findMany({
    where: { blockId, type: 'notice_queued' },
    orderBy: { at: 'asc' },
  });
  return rows.map((r) => [r.actor, storedText(translate('en'), r.detail)]);
}

describe.each(dialects())('a member added to a blocked account, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  it('add-member: the new member gets the block notice, on the block’s timeline; a second add sends nothing', async () => {
    const { db, account, block, first, n } = await blockedAccount();
    const email = await customerElsewhere(n);
    expect(await noticesTo(email)).toHaveLength(0);

    expect(await addMember(db, { email, account: account.number })).toEqual({
      email,
      account: account.number,
      changed: true,
      noticesQueued: 1,
    });
    const [notice, ...more] = await noticesTo(email);
    expect(more).toEqual([]);
    expect(JSON.parse(notice!.payload)).toMatchObject({ blockId: block.id });
    expect(await queuedRows(block.id)).toEqual([
      ['tollgate', '1 recipient'],
      [
        'tollgate',
        `${email} became a member of the account after the block was placed, and gets the block notice too.`,
      ],
    ]);

    // Again: nothing more, to anyone.
    const before = await db.mailMessage.count();
    expect(await addMember(db, { email, account: account.number })).toEqual({
      email,
      account: account.number,
      changed: false,
    });
    expect(await db.mailMessage.count()).toBe(before);
    expect(await queuedRows(block.id)).toHaveLength(2);

    // The notice goes out: the first member's and the new member's, each their own.
    await mail.deliver();
    expect(mail.smtp.to(first)).toHaveLength(1);
    expect(mail.smtp.to(email)).toHaveLength(1);
    expect(mail.smtp.to(email)[0]!.subject).toBe(mail.smtp.to(first)[0]!.subject);
  });

  it('create-user --account: a customer created for a blocked account gets its notice too', async () => {
    const { db, account, block, n } = await blockedAccount();
    const email = `created-${n}@member.example`;
    await createUser(db, { email, role: 'customer', account: account.number, password: PASSWORD });
    expect((await noticesTo(email)).map((m) => JSON.parse(m.payload).blockId)).toEqual([block.id]);
    expect((await queuedRows(block.id)).at(-1)).toEqual([
      'tollgate',
      `${email} became a member of the account after the block was placed, and gets the block notice too.`,
    ]);
  });

  it('one notice per block in force; none for a lifted block, for an account with none, or twice to one address', async () => {
    const { db, account, n } = await blockedAccount();
    // A second block of the switch's own while the first is in force.
    expect((await deliver(placedEvent(account.number, { reason: 'hotspot_source_ip' }))).status).toBe(200);
    const blocks = await db.block.findMany({
      where: { accountId: account.id },
      orderBy: { placedAt: 'asc' },
    });
    expect(blocks).toHaveLength(2);
    const email = await customerElsewhere(n);
    expect(await addMember(db, { email, account: account.number })).toMatchObject({ noticesQueued: 2 });
    expect((await noticesTo(email)).map((m) => JSON.parse(m.payload).blockId).sort()).toEqual(
      blocks.map((b) => b.id).sort(),
    );

    // Removed and added again: they had the notices already.
    await removeMember(db, { email, account: account.number });
    expect(await addMember(db, { email, account: account.number })).toEqual({
      email,
      account: account.number,
      changed: true,
    });
    expect(await noticesTo(email)).toHaveLength(2);

    // An account whose only block was lifted: nothing to tell.
    const { account: calm } = await makeAccount({ members: [] });
    const lifted = await makeBlock(calm.id);
    await db.block.update({ where: { id: lifted.id }, data: { status: 'lifted', liftedAt: new Date() } });
    const other = `calm-${n}@member.example`;
    await createUser(db, { email: other, role: 'customer', account: calm.number, password: PASSWORD });
    expect(await noticesTo(other)).toEqual([]);
    expect(await addMember(db, { email: other, account: account.number })).toMatchObject({
      noticesQueued: 2,
    });
  });

  it('a disabled login gets none; a notice still held for the switch’s details is held as long', async () => {
    const { db, account, block, n } = await blockedAccount();
    const disabled = await customerElsewhere(n);
    await db.user.update({ where: { email: disabled }, data: { disabled: true } });
    expect(await addMember(db, { email: disabled, account: account.number })).toEqual({
      email: disabled,
      account: account.number,
      changed: true,
    });
    expect(await noticesTo(disabled)).toEqual([]);

    // A block the reconciler found: its notice waits for the switch's calls (NOTICE_HOLD_MS).
    const found = await makeBlock(account.id, { placedAt: new Date(Date.now() - 1000) });
    const holdUntil = new Date(Date.now() + 60_000);
    await db.$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: found.id }, { holdUntil }),
    );
    const email = `held-${n}@member.example`;
    await createUser(db, { email, role: 'customer', account: account.number, password: PASSWORD });
    const notices = await noticesTo(email);
    expect(notices.map((m) => JSON.parse(m.payload).blockId).sort()).toEqual([block.id, found.id].sort());
    const held = notices.find((m) => JSON.parse(m.payload).blockId === found.id)!;
    expect(held.nextAttemptAt.getTime()).toBe(holdUntil.getTime());
    expect(notices.find((m) => m.id !== held.id)!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('npm run admin -- add-member as a process', () => {
  it('queues the notice of the block in force to the new member', async () => {
    await useFreshDb('sqlite');
    const { account, block, n } = await blockedAccount();
    const email = await customerElsewhere(n);
    expect(await runAdminAsync(['add-member', '--email', email, '--account', account.number])).toEqual({
      code: 0,
      // The operator is told the newcomer will hear of the block by mail (since 2026-12-06).
      out: `added ${email} to ${account.number}; 1 block notice queued to them (a block is in force)\n`,
      err: '',
    });
    expect((await noticesTo(email)).map((m) => JSON.parse(m.payload).blockId)).toEqual([block.id]);
  }, 60_000);
});

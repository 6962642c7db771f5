import { Writable } from 'node:stream';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liftBlockByStaff } from '@/lib/blocks/manual';
import { liftIfRotated } from '@/lib/blocks/policy';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { rotatedWaitingForPerson } from '@/lib/policy/rotated-waiting';
import { changeLiftPolicy, liftPolicyForAdmin, liftPolicySchema } from '@/lib/policy/change';
import { accountNeedsPerson, readLiftPolicy, type SettableReason } from '@/lib/policy/settings';
import { getDb } from '@/lib/server/db';
import { createLogger } from '@/lib/server/log';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';

// The admins' lift policy (lib/policy/settings.ts, /staff/policy): which block reasons wait for a
// person once every SIP password the block named was changed. liftIfRotated reads it in the deciding
// transaction; a block it holds is listed for support (lib/policy/rotated-waiting.ts).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const db = () => getDb();

/** A block through `usernames`, placed `minutesAgo`, as the switch's event leaves it. */
const blockThrough = (accountId: string, usernames: string[], reason: BlockReason, minutesAgo = 5) =>
  makeBlock(accountId, {
    reason,
    placedAt: new Date(Date.now() - minutesAgo * 60_000),
    calls: usernames.map((u) => ({ sipUsername: u })),
  });
const rotate = (username: string) =>
  db().sipCredential.update({ where: { username }, data: { passwordChangedAt: new Date() } });
const statusOf = async (id: string) => (await db().block.findUniqueOrThrow({ where: { id } })).status;
const decide = (accountId: string) => db().$transaction((tx) => liftIfRotated(tx, accountId));
/** The form as the page sends it: the ticked reasons, the version it showed, why. */
const form = (
  needsPerson: SettableReason[],
  version: number,
  reason = 'Fraud ranges: attacker still inside',
) => liftPolicySchema.parse({ 'needsPerson[]': needsPerson, version: String(version), reason });
/** The ids listed for support now (every page: the lists here are short). */
async function listed(): Promise<string[]> {
  const agent = await makeStaff({ role: 'agent' });
  return (await rotatedWaitingForPerson(agent, null, { pageSize: 500 })).items.map((i) => i.id);
}

describe.each(dialects())('the admins’ lift policy on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  // Each test starts from the default policy (one setting for the whole database).
  beforeEach(async () => {
    await db().policySetting.deleteMany();
  });

  it('by default only manual blocks need a person: a hotspot block is lifted once its password is changed', async () => {
    const admin = await makeStaff({ role: 'admin' });
    expect(await liftPolicyForAdmin(admin)).toMatchObject({
      reasons: [
        { reason: 'high_risk_destination', needsPerson: false },
        { reason: 'hotspot_source_ip', needsPerson: false },
        { reason: 'suspicious_pattern', needsPerson: false },
      ],
      version: 0,
      updatedBy: null,
    });
    const { account, creds } = await makeAccount();
    const block = await blockThrough(account.id, [creds[0].username], 'hotspot_source_ip');
    await rotate(creds[0].username);
    expect(await decide(account.id)).toEqual([block.id]);
    expect(await statusOf(block.id)).toBe('lift_pending');
    expect(await listed()).not.toContain(block.id);
  });

  it('a reason the admin says needs a person is not lifted after the rotation, and waits for support until they lift it', async () => {
    const admin = await makeStaff({ role: 'admin' });
    expect(await changeLiftPolicy(admin, form(['hotspot_source_ip'], 0), meta)).toEqual({
      ok: true,
      note: { key: 'outcome.policy.changed' },
    });
    const row = await db().auditLog.findFirstOrThrow({
      where: { action: 'policy.changed', actorId: admin.id },
    });
    expect(row).toMatchObject({
      targetType: 'policy_setting',
      targetId: 'lift.needsPerson',
      ip: '192.0.2.1',
    });
    expect(JSON.parse(row.detail!)).toEqual({
      before: ['manual'],
      after: ['manual', 'hotspot_source_ip'],
      note: 'Fraud ranges: attacker still inside',
    });

    const { account, creds } = await makeAccount();
    const held = await blockThrough(account.id, [creds[0].username, creds[1].username], 'hotspot_source_ip');
    await rotate(creds[0].username);
    expect(await decide(account.id)).toEqual([]);
    expect(await listed()).not.toContain(held.id); // one of two passwords changed: the customer's turn
    await rotate(creds[1].username);
    expect(await decide(account.id)).toEqual([]);
    expect(await statusOf(held.id)).toBe('active');
    const agent = await makeStaff({ role: 'agent' });
    const page = await rotatedWaitingForPerson(agent, null, { pageSize: 500 });
    expect(page.items.find((i) => i.id === held.id)).toMatchObject({
      reason: 'hotspot_source_ip',
      needsPersonNow: true,
      account: { number: account.number, name: account.name },
      rotatedAt: expect.any(Date),
    });

    // Other reasons are untouched: a high-risk block still comes back by itself.
    const other = await makeAccount();
    const auto = await blockThrough(other.account.id, [other.creds[0].username], 'high_risk_destination');
    await rotate(other.creds[0].username);
    expect(await decide(other.account.id)).toEqual([auto.id]);

    // Support lifts it through the account page's lift form; it leaves the list.
    expect(
      await liftBlockByStaff(agent, { blockId: held.id, note: 'Called; PBX firewalled now.' }, meta),
    ).toMatchObject({ ok: true, note: { key: 'outcome.manual.liftSent' } });
    expect(await statusOf(held.id)).toBe('lift_pending');
    expect(await listed()).not.toContain(held.id);
  });

  it('the policy is read at each decision: a change holds for the very next one', async () => {
    const admin = await makeStaff({ role: 'admin' });
    const { account, creds } = await makeAccount();
    const block = await blockThrough(account.id, [creds[0].username], 'suspicious_pattern');
    await rotate(creds[0].username);
    expect(await changeLiftPolicy(admin, form(['suspicious_pattern'], 0), meta)).toMatchObject({ ok: true });
    expect(await decide(account.id)).toEqual([]);
    // The stored row is what every instance reads: changed underneath, the next decision follows it.
    await db().policySetting.update({ where: { key: 'lift.needsPerson' }, data: { value: '[]' } });
    expect(await decide(account.id)).toEqual([block.id]);
  });

  it('loosening lifts nothing by itself: a held block stays listed until a person lifts it or the customer changes a password again', async () => {
    const admin = await makeStaff({ role: 'admin' });
    await changeLiftPolicy(admin, form(['high_risk_destination'], 0), meta);
    const { account, creds } = await makeAccount();
    const held = await blockThrough(account.id, [creds[0].username], 'high_risk_destination');
    await rotate(creds[0].username);
    expect(await decide(account.id)).toEqual([]);
    expect(
      await changeLiftPolicy(admin, form([], 1, 'Back to the default after review'), meta),
    ).toMatchObject({ ok: true });
    expect(await statusOf(held.id)).toBe('active');
    const agent = await makeStaff({ role: 'agent' });
    const entry = (await rotatedWaitingForPerson(agent, null, { pageSize: 500 })).items.find(
      (i) => i.id === held.id,
    );
    expect(entry).toMatchObject({ needsPersonNow: false });
    // With when the portal recorded it (read back as a date on both databases): the staff home
    // shows it placed at the earlier of that and the switch's time, never at the time of rendering.
    const stored = await db().block.findUniqueOrThrow({ where: { id: held.id } });
    expect(entry!.createdAt).toEqual(stored.createdAt);
    await rotate(creds[0].username);
    expect(await decide(account.id)).toEqual([held.id]);
    expect(await listed()).not.toContain(held.id);
  });

  it('what the pages promise follows every block of the account: a high-risk block beside a hotspot one that needs a person waits too', async () => {
    const admin = await makeStaff({ role: 'admin' });
    await changeLiftPolicy(admin, form(['hotspot_source_ip'], 0), meta);
    const { account, creds } = await makeAccount();
    await blockThrough(account.id, [creds[0].username], 'high_risk_destination');
    // Alone, the high-risk block comes back by itself once its password is changed.
    expect(await accountNeedsPerson(account.id)).toBe(false);
    await blockThrough(account.id, [creds[0].username], 'hotspot_source_ip');
    // With the hotspot block beside it, liftIfRotated lifts neither: its page must not promise it.
    expect(await accountNeedsPerson(account.id)).toBe(true);
    await rotate(creds[0].username);
    expect(await decide(account.id)).toEqual([]);
  });

  it('a policy never changed lists nothing: under it, the rotation that ends a block lifts it', async () => {
    // A rotated block left in force without the rotation's decision (as no path of the built-in
    // policy leaves one): the list is not computed while the policy was never changed.
    const { account, creds } = await makeAccount();
    const held = await blockThrough(account.id, [creds[0].username], 'hotspot_source_ip');
    await rotate(creds[0].username);
    expect(await listed()).toEqual([]);
    // Once the policy was changed, the list is computed and shows it.
    const admin = await makeStaff({ role: 'admin' });
    expect(await changeLiftPolicy(admin, form(['suspicious_pattern'], 0), meta)).toMatchObject({ ok: true });
    expect(await listed()).toContain(held.id);
  });

  it('lists only blocks whose account has nothing else left to change, oldest first, a page at a time', async () => {
    const admin = await makeStaff({ role: 'admin' });
    await changeLiftPolicy(admin, form(['high_risk_destination', 'hotspot_source_ip'], 0), meta);
    // A trunk with no password here, and an account whose other block is not rotated yet: not listed.
    const trunk = await makeAccount();
    const viaTrunk = await blockThrough(trunk.account.id, ['ip-trunk-no-password'], 'hotspot_source_ip');
    const two = await makeAccount();
    const rotatedOne = await blockThrough(two.account.id, [two.creds[0].username], 'hotspot_source_ip', 9);
    await blockThrough(two.account.id, [two.creds[1].username], 'high_risk_destination', 8);
    await rotate(two.creds[0].username);
    // Support's own block on the account: theirs already.
    const manual = await makeAccount();
    const withManual = await blockThrough(
      manual.account.id,
      [manual.creds[0].username],
      'hotspot_source_ip',
      7,
    );
    await makeBlock(manual.account.id, { reason: 'manual', placedBy: 'agent@staff.example' });
    await rotate(manual.creds[0].username);
    // A lift the switch refused: listed under "Out of sync with the switch" instead.
    const refused = await makeAccount();
    const refusedBlock = await blockThrough(
      refused.account.id,
      [refused.creds[0].username],
      'hotspot_source_ip',
      6,
    );
    await rotate(refused.creds[0].username);
    await db().blockEvent.create({
      data: { blockId: refusedBlock.id, type: 'lift_requested', actor: 'switch' },
    });
    // Three that wait, placed 30, 20 and 10 minutes ago.
    const waiting = [];
    for (const minutes of [20, 30, 10]) {
      const { account, creds } = await makeAccount();
      const b = await blockThrough(account.id, [creds[0].username], 'high_risk_destination', minutes);
      await rotate(creds[0].username);
      waiting.push({ b, minutes });
    }
    const agent = await makeStaff({ role: 'agent' });
    const all = await rotatedWaitingForPerson(agent, null, { pageSize: 500 });
    const ids = all.items.map((i) => i.id);
    for (const id of [viaTrunk.id, rotatedOne.id, withManual.id, refusedBlock.id])
      expect(ids).not.toContain(id);
    const oldestFirst = [...waiting].sort((x, y) => y.minutes - x.minutes).map((w) => w.b.id);
    expect(ids.filter((id) => oldestFirst.includes(id))).toEqual(oldestFirst);
    // Two a page: the keyset cursor reaches every entry once.
    const seen: string[] = [];
    let after: { at: Date; id: string } | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Awaited<ReturnType<typeof rotatedWaitingForPerson>> = await rotatedWaitingForPerson(
        agent,
        after,
        { pageSize: 2 },
      );
      expect(page.total).toBe(ids.length);
      seen.push(...page.items.map((x) => x.id));
      if (!page.next) break;
      const last = page.items[page.items.length - 1]!;
      after = { at: last.placedAt, id: last.id };
    }
    expect(seen).toEqual(ids);
    // Past the end (the last entries lifted meanwhile): no entry, and still the count of them all.
    const end = all.items[all.items.length - 1]!;
    expect(await rotatedWaitingForPerson(agent, { at: end.placedAt, id: end.id })).toMatchObject({
      items: [],
      total: ids.length,
      next: null,
    });
    expect(await rotatedWaitingForPerson(agent, null, { pageSize: 1, countCap: 2 })).toMatchObject({
      total: 2,
      capped: true,
    });
  });

  it('a password changed before its account’s block lists nothing, even after an older block elsewhere; one changed after it does', async () => {
    const admin = await makeStaff({ role: 'admin' });
    await changeLiftPolicy(admin, form(['high_risk_destination'], 0), meta);
    // The oldest block in force, an hour old, on an account nobody rotated.
    const old = await makeAccount();
    const oldBlock = await blockThrough(old.account.id, [old.creds[0].username], 'high_risk_destination', 60);
    // Changed half an hour ago, after the oldest block in force but before this account's own block.
    const early = await makeAccount();
    const earlyBlock = await blockThrough(
      early.account.id,
      [early.creds[0].username],
      'high_risk_destination',
      5,
    );
    await db().sipCredential.update({
      where: { username: early.creds[0].username },
      data: { passwordChangedAt: new Date(Date.now() - 30 * 60_000) },
    });
    // Changed after its block: waits for a person.
    const late = await makeAccount();
    const lateBlock = await blockThrough(
      late.account.id,
      [late.creds[0].username],
      'high_risk_destination',
      5,
    );
    await rotate(late.creds[0].username);
    const ids = await listed();
    expect(ids).toContain(lateBlock.id);
    expect(ids).not.toContain(earlyBlock.id);
    expect(ids).not.toContain(oldBlock.id);
    // Once the early account's password is changed again, after its block, it waits too.
    await rotate(early.creds[0].username);
    expect(await listed()).toEqual(expect.arrayContaining([lateBlock.id, earlyBlock.id]));
  });

  it('two admins: the second, sending a form from before the first’s change, is refused and sees it', async () => {
    const [ana, ben] = [await makeStaff({ role: 'admin' }), await makeStaff({ role: 'admin' })];
    const shown = await liftPolicyForAdmin(ben);
    expect(await changeLiftPolicy(ana, form(['hotspot_source_ip'], shown.version), meta)).toMatchObject({
      ok: true,
    });
    expect(await changeLiftPolicy(ben, form(['suspicious_pattern'], shown.version), meta)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.policy.changedMeanwhile' },
    });
    const now = await liftPolicyForAdmin(ben);
    expect(now).toMatchObject({ version: 1, updatedBy: ana.email });
    expect(now.reasons.filter((r) => r.needsPerson).map((r) => r.reason)).toEqual(['hotspot_source_ip']);
    expect(await db().auditLog.count({ where: { action: 'policy.changed', actorId: ben.id } })).toBe(0);
    // Sent again from the page as it is now, it is saved.
    expect(
      await changeLiftPolicy(ben, form(['hotspot_source_ip', 'suspicious_pattern'], now.version), meta),
    ).toMatchObject({ ok: true });
    // The same policy again: nothing to save, nothing audited.
    expect(await changeLiftPolicy(ben, form(['hotspot_source_ip', 'suspicious_pattern'], 2), meta)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.policy.unchanged' },
    });
    expect(await db().auditLog.count({ where: { action: 'policy.changed', actorId: ben.id } })).toBe(1);

    // At the same moment, from the same version: exactly one is saved (the first change writes the row too).
    // (Each round asks for policies neither in force nor asked before, so the loser is told of the
    // winner's change, never "already so".)
    const rounds: [number, SettableReason[], SettableReason[]][] = [
      [2, [], ['suspicious_pattern']],
      [3, ['high_risk_destination', 'hotspot_source_ip'], ['hotspot_source_ip']],
    ];
    for (const [version, anaWants, benWants] of rounds) {
      const results = await Promise.all([
        changeLiftPolicy(ana, form(anaWants, version), meta),
        changeLiftPolicy(ben, form(benWants, version), meta),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([
        { ok: false, code: 'conflict', note: { key: 'outcome.policy.changedMeanwhile' } },
      ]);
    }
    await db().policySetting.deleteMany();
    const first = await Promise.all([
      changeLiftPolicy(ana, form(['hotspot_source_ip'], 0), meta),
      changeLiftPolicy(ben, form(['suspicious_pattern'], 0), meta),
    ]);
    expect(first.filter((r) => r.ok)).toHaveLength(1);
    expect((await readLiftPolicy()).version).toBe(1);
  });

  it('only an enabled admin changes it: an agent gets a 404, an admin disabled meanwhile is refused and audited', async () => {
    const agent = await makeStaff({ role: 'agent' });
    await expect(changeLiftPolicy(agent, form(['hotspot_source_ip'], 0), meta)).rejects.toThrow();
    await expect(liftPolicyForAdmin(agent)).rejects.toThrow();
    const admin = await makeStaff({ role: 'admin' });
    await db().user.update({ where: { id: admin.id }, data: { disabled: true } });
    expect(await changeLiftPolicy(admin, form(['hotspot_source_ip'], 0), meta)).toEqual({
      ok: false,
      code: 'refused',
      note: { key: 'outcome.staffUser.notAdmin' },
    });
    expect(await db().auditLog.count({ where: { action: 'access.denied', actorId: admin.id } })).toBe(1);
    expect((await readLiftPolicy()).version).toBe(0);
  });

  it('a stored value nobody can read fails safe: every reason needs a person, and it is logged as an error', async () => {
    await db().policySetting.create({
      data: {
        key: 'lift.needsPerson',
        value: '{not json',
        version: 4,
        updatedAt: new Date(),
        updatedById: 'x',
      },
    });
    // The process's logger (lib/server/log.ts log()), read back.
    const lines: Record<string, unknown>[] = [];
    const g = globalThis as { __tollgateLog?: unknown };
    const saved = g.__tollgateLog;
    g.__tollgateLog = createLogger(
      new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }),
    );
    try {
      const policy = await readLiftPolicy();
      expect([...policy.needsPerson].sort()).toEqual(
        ['high_risk_destination', 'hotspot_source_ip', 'manual', 'suspicious_pattern'].sort(),
      );
      const { account, creds } = await makeAccount();
      await blockThrough(account.id, [creds[0].username], 'high_risk_destination');
      await rotate(creds[0].username);
      expect(await decide(account.id)).toEqual([]);
    } finally {
      g.__tollgateLog = saved;
    }
    expect(lines.filter((l) => l.msg === 'policy setting unreadable: every reason needs a person')).toEqual([
      expect.objectContaining({ level: 'error', key: 'lift.needsPerson', version: 4 }),
      expect.objectContaining({ level: 'error', key: 'lift.needsPerson', version: 4 }),
    ]);
  });

  it('the form takes only the settable reasons, a version and a reason of at least 5 characters', () => {
    const bad = (raw: Record<string, unknown>) =>
      liftPolicySchema.safeParse(raw).error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(liftPolicySchema.parse({ version: '3', reason: '  Audit  ' })).toEqual({
      'needsPerson[]': [],
      version: 3,
      reason: 'Audit',
    });
    expect(bad({ 'needsPerson[]': 'manual', version: '0', reason: 'Because' })).toEqual([
      'needsPerson[]: outcome.field.policyReasons',
    ]);
    expect(bad({ version: 'x', reason: 'no' })).toEqual([
      'version: outcome.again.noKey',
      'reason: outcome.field.loginReason',
    ]);
  });
});

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { tsNode } from '@/tests/helpers/crash';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { placeManualBlock } from '@/lib/blocks/manual';
import { decideLift, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 500, retries: 0, log: () => {} });
const changes = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCallingChanges as number;
const calling = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCalling as string;

/** A blocked account in both Tollgate and the simulator, with a lift decided (queued) in Tollgate. */
async function blockedWithLiftQueued() {
  const { account } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: new Date().toISOString(),
    credentials: [],
  });
  const block = await makeBlock(account.id);
  await decideLift([block]);
  return { account, block };
}

const blockStatus = async (id: string) => (await getDb().block.findUniqueOrThrow({ where: { id } })).status;
/** Makes a failed attempt's backoff due now (tests do not wait minutes). */
const dueNow = () =>
  getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });

describe.each(dialects())('switch outbox on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('a lift waits while the switch fails, never shows done, then applies exactly once', async () => {
    const { account, block } = await blockedWithLiftQueued();
    expect(await blockStatus(block.id)).toBe('lift_pending');
    for (const fault of [{ failNext: 1 }, { dropNext: 1 }, { delayMs: 2000, delayNext: 1 }]) {
      await sim.control('PUT', '/_sim/faults', fault);
      expect(await processSwitchOutbox({ client: client() })).toBe(0);
      expect(await blockStatus(block.id)).toBe('lift_pending');
      await sim.control('DELETE', '/_sim/faults');
      await dueNow();
    }
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    expect(op.attempts).toBe(3);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await blockStatus(block.id)).toBe('lifted');
    expect(await calling(account.number)).toBe('allowed');
    expect(await changes(account.number)).toBe(1);
    const events = await getDb().blockEvent.findMany({
      where: { blockId: block.id },
      orderBy: { at: 'asc' },
    });
    expect(events.map((e) => e.type)).toEqual(['lift_requested', 'lifted']);
  });

  // Review, session 34: a change older than the switch's key memory (24 h) whose GET did not answer
  // was sent anyway, with its old key, which the switch may have forgotten: the blind re-send the
  // read exists to prevent (docs/switch-api.md, "Your idempotency memory is 24 h").
  it('a lift queued 25 h ago is not sent while the switch’s GET does not answer; then once, under a new key', async () => {
    const { account, block } = await blockedWithLiftQueued();
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    await getDb().switchOperation.update({
      where: { id: op.id },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    for (const fault of [
      { failNext: 1, failStatus: 503, method: 'GET' },
      { delayMs: 2000, delayNext: 1, method: 'GET' },
    ]) {
      await sim.control('PUT', '/_sim/faults', fault);
      expect(await processSwitchOutbox({ client: client() })).toBe(0);
      await sim.control('DELETE', '/_sim/faults');
      expect(await changes(account.number)).toBe(0); // no PUT reached the switch
      expect(await calling(account.number)).toBe('blocked');
      const row = await getDb().switchOperation.findUniqueOrThrow({ where: { id: op.id } });
      expect(row).toMatchObject({ status: 'pending', idempotencyKey: op.idempotencyKey });
      expect(row.lastError).toBeTruthy();
      expect(await blockStatus(block.id)).toBe('lift_pending');
      await dueNow();
    }
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await blockStatus(block.id)).toBe('lifted');
    expect(await changes(account.number)).toBe(1);
    const sent = await getDb().switchOperation.findUniqueOrThrow({ where: { id: op.id } });
    expect(sent.status).toBe('done');
    expect(sent.idempotencyKey).not.toBe(op.idempotencyKey);
  });

  // Review, session 39: after a partition longer than the key memory, the switch had placed a new
  // block whose event had not arrived yet; the old lift, read as "blocked, send it under a new key",
  // undid it on the switch, and the late event was then dropped as older than the lift.
  it.each([
    ['an hour ago, after the block the lift is for: the lift is withdrawn', 3600_000, false],
    ['30 s after the block the lift is for (the same block): the lift is sent', 26 * 3600_000 - 30_000, true],
  ])('a lift queued 25 h ago, the switch blocked since %s', async (_, agoMs, sent) => {
    const { account } = await makeAccount();
    const placedAt = new Date(Date.now() - 26 * 3600_000);
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: new Date(Date.now() - agoMs).toISOString(),
      credentials: [],
    });
    const block = await makeBlock(account.id, { placedAt });
    await decideLift([block]);
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    await getDb().switchOperation.update({
      where: { id: op.id },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    expect(await processSwitchOutbox({ client: client() })).toBe(sent ? 1 : 0);
    expect(await changes(account.number)).toBe(sent ? 1 : 0);
    expect(await calling(account.number)).toBe(sent ? 'allowed' : 'blocked');
    const row = await getDb().switchOperation.findUniqueOrThrow({ where: { id: op.id } });
    const acc = await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect({
      status: row.status,
      block: await blockStatus(block.id),
      reconcileDue: acc.reconcileDue,
    }).toEqual(
      sent
        ? { status: 'done', block: 'lifted', reconcileDue: false }
        : { status: 'failed', block: 'active', reconcileDue: true },
    );
    if (!sent) expect(row.lastError).toMatch(/^superseded: /);
  });

  it('applied-but-late: the client times out, the re-send with the same key is not applied twice', async () => {
    const { account, block } = await blockedWithLiftQueued();
    await sim.control('PUT', '/_sim/faults', { applyLateMs: 1500, applyLateNext: 1 });
    expect(await processSwitchOutbox({ client: client() })).toBe(0); // timed out at 500 ms
    expect(await blockStatus(block.id)).toBe('lift_pending'); // not shown as done…
    await new Promise((r) => setTimeout(r, 1600));
    expect(await calling(account.number)).toBe('allowed'); // …although the switch applied it
    await sim.control('DELETE', '/_sim/faults');
    await dueNow();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await blockStatus(block.id)).toBe('lifted');
    expect(await changes(account.number)).toBe(1);
  });

  it('a slow switch limit lengthens the lease: a claim outlasts two requests of SWITCH_API_TIMEOUT_MS', async () => {
    const { block } = await blockedWithLiftQueued();
    const before = process.env.SWITCH_API_TIMEOUT_MS;
    process.env.SWITCH_API_TIMEOUT_MS = '45000';
    try {
      await sim.control('PUT', '/_sim/faults', { applyLateMs: 1500, applyLateNext: 1 });
      const claimedAt = Date.now();
      const sending = processSwitchOutbox({ client: client() });
      // While the lift is on the wire, the row's lease runs past two 45 s requests (lib/switch/outbox.ts).
      let leaseUntil: Date | null = null;
      for (let i = 0; i < 100 && !leaseUntil; i++) {
        const op = await getDb().switchOperation.findFirst({
          where: { blockId: block.id, leaseUntil: { not: null } },
        });
        leaseUntil = op?.leaseUntil ?? null;
        if (!leaseUntil) await new Promise((r) => setTimeout(r, 10));
      }
      expect(await sending).toBe(0); // timed out at 500 ms, rescheduled with the same key
      expect(leaseUntil).not.toBeNull();
      expect(leaseUntil!.getTime() - claimedAt).toBeGreaterThanOrEqual(2 * 45_000);
      await new Promise((r) => setTimeout(r, 1100)); // the late apply lands
      await dueNow();
      expect(await processSwitchOutbox({ client: client() })).toBe(1); // the re-send settles it
      expect(await blockStatus(block.id)).toBe('lifted');
    } finally {
      if (before === undefined) delete process.env.SWITCH_API_TIMEOUT_MS;
      else process.env.SWITCH_API_TIMEOUT_MS = before;
      await sim.control('DELETE', '/_sim/faults');
    }
  });

  it('a worker killed in the middle of a lift: the next worker resumes and the switch applies it once', async () => {
    const { account, block } = await blockedWithLiftQueued();
    await sim.control('PUT', '/_sim/faults', { delayMs: 3000, delayNext: 1 });
    const child = spawn(...tsNode('tests/helpers/outbox-child.ts', ['--conditions=react-server']), {
      env: { ...process.env, SIM_URL: sim.url, SIM_TOKEN: TOKEN, LEASE_MS: '5000' },
      stdio: 'ignore',
      detached: true, // its own process group
    });
    // Wait until the child's request reached the switch, then kill it without a chance to clean up.
    for (let i = 0; i < 100; i++) {
      const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
      const reqs = (await sim.control('GET', '/_sim/requests')).body.requests as { path: string }[];
      if (op.leaseOwner === 'child' && reqs.some((r) => r.path.includes(account.number))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect((await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } })).status).toBe(
      'pending',
    );
    // Its lease is still held: another worker must not touch the row yet.
    const { leaseUntil } = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    if (leaseUntil!.getTime() - Date.now() > 500)
      expect(await processSwitchOutbox({ client: client(), owner: 'second' })).toBe(0);
    // Wait for the dead worker's lease to expire (its delayed call may reach the switch meanwhile).
    await new Promise((r) => setTimeout(r, Math.max(0, leaseUntil!.getTime() - Date.now()) + 3200));
    await sim.control('DELETE', '/_sim/faults');
    expect(await processSwitchOutbox({ client: client(), owner: 'second' })).toBe(1);
    expect(await blockStatus(block.id)).toBe('lifted');
    expect(await changes(account.number)).toBe(1);
  }, 40_000);

  it('a refusal from the switch is final: the block stays active, visibly', async () => {
    const { block } = await blockedWithLiftQueued();
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 409 });
    await processSwitchOutbox({ client: client() });
    await sim.control('DELETE', '/_sim/faults');
    expect(await blockStatus(block.id)).toBe('active');
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    expect(op.status).toBe('failed');
  });

  // Review 9, finding 2: a 200 whose body shows the other state confirms nothing.
  it('a lift answered 200 with "blocked" is not shown lifted and mails nothing', async () => {
    const { account, block } = await blockedWithLiftQueued();
    await sim.control('PUT', `/_sim/faults/${account.number}`, { ignoreNext: 1 });
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    await sim.control('DELETE', `/_sim/faults/${account.number}`);
    const db = getDb();
    const op = await db.switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    const after = await db.customerAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect({
      block: await blockStatus(block.id),
      operation: op.status,
      error: op.lastError,
      liftedMails: await db.mailMessage.count({
        where: { template: 'block_lifted', payload: { contains: block.id } },
      }),
      reconcileDue: after.reconcileDue,
      onSwitch: await calling(account.number),
    }).toEqual({
      block: 'active',
      operation: 'failed',
      error: expect.stringContaining('body_disagrees'),
      liftedMails: 0,
      reconcileDue: true,
      onSwitch: 'blocked',
    });
  });

  it('a manual block answered 200 with "allowed" is not shown in force and mails nothing', async () => {
    const { account } = await makeAccount();
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    const staff = await makeStaff();
    const placed = await placeManualBlock(
      staff,
      { accountNumber: account.number, note: 'customer asked us to block' },
      { ip: '192.0.2.1', userAgent: 'vitest' },
    );
    expect(placed.ok).toBe(true);
    const noticesBefore = await getDb().mailMessage.count({ where: { template: 'block_notice' } });
    await sim.control('PUT', `/_sim/faults/${account.number}`, { ignoreNext: 1 });
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    await sim.control('DELETE', `/_sim/faults/${account.number}`);
    const db = getDb();
    const op = await db.switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } });
    expect({
      blocks: await db.block.count({ where: { accountId: account.id } }),
      operation: op.status,
      notices: (await db.mailMessage.count({ where: { template: 'block_notice' } })) - noticesBefore,
      onSwitch: await calling(account.number),
    }).toEqual({ blocks: 0, operation: 'failed', notices: 0, onSwitch: 'allowed' });
  });

  // Review, session 33: a 401 is the switch refusing Tollgate's token (a rotation half done), not the
  // change: docs/operations.md says it stays in the outbox; it was recorded as a final refusal.
  it('a lift refused with 401 (a wrong token) stays queued and applies once the token is right', async () => {
    const { account, block } = await blockedWithLiftQueued();
    const wrongToken = createSwitchClient({
      baseUrl: sim.url,
      token: 'not-the-token',
      timeoutMs: 2000,
      retries: 0,
      log: () => {},
    });
    expect(await processSwitchOutbox({ client: wrongToken })).toBe(0);
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    expect({ status: op.status, attempts: op.attempts, error: op.lastError }).toEqual({
      status: 'pending',
      attempts: 1,
      error: expect.stringMatching(/^unauthorized: HTTP 401/),
    });
    expect(await blockStatus(block.id)).toBe('lift_pending');
    expect(await calling(account.number)).toBe('blocked');
    await dueNow();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await blockStatus(block.id)).toBe('lifted');
    expect(await calling(account.number)).toBe('allowed');
  });

  // Review 9, finding 5: the outbox does not send again before the switch's Retry-After.
  it('a 503 with Retry-After: 120 is not sent again for 120 s; a huge one is capped at 1 h', async () => {
    for (const [retryAfter, minMs, maxMs] of [
      ['120', 119_000, 121_000],
      ['999999999', 3_599_000, 3_601_000],
      [new Date(Date.now() + 600_000).toUTCString(), 590_000, 601_000],
    ] as const) {
      const { account, block } = await blockedWithLiftQueued();
      await sim.control('PUT', `/_sim/faults/${account.number}`, {
        failNext: 1,
        failStatus: 503,
        retryAfter,
      });
      const before = Date.now();
      expect(await processSwitchOutbox({ client: client() })).toBe(0);
      const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
      const wait = op.nextAttemptAt.getTime() - before;
      expect({ status: op.status, wait }).toEqual({
        status: 'pending',
        wait: expect.toSatisfy((w: number) => w >= minMs && w <= maxMs),
      });
      await sim.control('DELETE', `/_sim/faults/${account.number}`);
      // The 503 also quiets the whole outbox for up to 5 minutes (tests/integration/switch-quiet.test.ts);
      // ended here, so that the next pass shows the row's own wait.
      endSwitchQuiet();
      // Not due yet: another pass sends nothing and the block still waits.
      expect(await processSwitchOutbox({ client: client() })).toBe(0);
      expect(await blockStatus(block.id)).toBe('lift_pending');
      await dueNow();
      expect(await processSwitchOutbox({ client: client() })).toBe(1);
      expect(await blockStatus(block.id)).toBe('lifted');
    }
  });

  it('deciding a second lift for the same block sends nothing more', async () => {
    const { block } = await blockedWithLiftQueued();
    expect(await decideLift([block], 'test', 'again')).toEqual({ ok: false, kind: 'not_active' });
    expect(await getDb().switchOperation.count({ where: { blockId: block.id } })).toBe(1);
  });
});

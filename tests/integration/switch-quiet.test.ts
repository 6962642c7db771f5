import crypto from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { watchAllowances, WATCH_EVERY_MS } from '@/lib/allowances/expiry';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { resetSipPassword } from '@/lib/credentials/reset';
import { liveDevices } from '@/lib/devices/registrations';
import { getDb } from '@/lib/server/db';
import { renderMetrics } from '@/lib/server/metrics';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, decideLift, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { sample } from '@/tests/helpers/metrics';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Review (mass toll-fraud wave): a 429 with Retry-After held back only the outbox row that got it.
// The same tick went on to the next rows, each answered 429; the reconciler then read every account
// those 429s marked uncertain, and the allowance watch read every account with an allowance every 3 s;
// and each server action that queued an operation started a whole outbox run beside the worker's.
// Now a 429 or 503 with Retry-After quiets this instance's switch workers until then, one outbox run
// goes at a time, and the allowance watch reads an account when an allowance's end is near (or once
// a minute). Real parts: the switch simulator (its faults answer 429 with Retry-After), both databases.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const client = (): SwitchClient =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
/** The /v1 requests the simulator received since the last `forget()`. */
const received = async () =>
  (await sim.control('GET', '/_sim/requests')).body.requests as { method: string; path: string }[];
const forget = () => sim.control('DELETE', '/_sim/requests');
const metric = async (name: string) => sample((await renderMetrics()).body, name) ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` accounts blocked in Tollgate and on the simulator, each with a lift decided (queued). */
async function liftsQueued(n: number) {
  const made = [];
  for (let i = 0; i < n; i++) {
    const { account } = await makeAccount({ members: [] });
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: new Date().toISOString(),
      credentials: [],
    });
    const block = await makeBlock(account.id);
    await decideLift([block]);
    made.push({ account, block });
  }
  return made;
}

const ops = (numbers: string[]) =>
  getDb().switchOperation.findMany({ where: { accountNumber: { in: numbers } } });
const blockStatus = async (id: string) => (await getDb().block.findUniqueOrThrow({ where: { id } })).status;

describe.each(dialects())('a switch that asks for quiet, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(async () => {
    // Each case starts with no quiet, no faults, and no operation of an earlier case still due.
    endSwitchQuiet();
    await sim.control('DELETE', '/_sim/faults');
    await getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    await getDb().destinationAllowance.updateMany({ where: { status: 'active' }, data: { status: 'ended' } });
    await forget();
  });
  afterEach(() => {
    endSwitchQuiet();
  });

  it("a page's device list reads nothing while quiet, so open block pages do not stretch the quiet that holds the outbox", async () => {
    const { account, creds } = await makeAccount({ members: [] });
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [{ username: creds[0].username }],
    });
    const ctx = { triggerIps: [], accountCountry: 'US' };
    const one = [{ id: creds[0].id, username: creds[0].username, label: creds[0].label }];
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 429, retryAfter: '30' });
    const asked = Date.now();
    // The read that gets the 429 sets the quiet; every later page view asks the switch nothing. Each
    // says why, and until when (not "could not load … reload": a reload reads nothing before then).
    const paused = (d: Awaited<ReturnType<typeof liveDevices>>[number] | undefined) => {
      expect(d).toMatchObject({ bindings: null, notRead: { reason: 'paused', until: expect.any(Date) } });
      const until = (d!.notRead as { until: Date }).until.getTime();
      expect(until).toBeGreaterThanOrEqual(asked + 29_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 31_000);
      expect(until % 1000).toBe(0); // shown to the second, never before the quiet's end
    };
    paused((await liveDevices(one, ctx, client()))[0]);
    await forget();
    for (let i = 0; i < 3; i++) paused((await liveDevices(one, ctx, client()))[0]);
    expect(await received()).toEqual([]);
    // Once the quiet is over, the page reads the switch again.
    endSwitchQuiet();
    expect((await liveDevices(one, ctx, client()))[0]).toMatchObject({ bindings: [], notRead: null });
  });

  it('a read that fails without a Retry-After is "could not load" (a reload asks again), not a pause', async () => {
    const { account, creds } = await makeAccount({ members: [] });
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [{ username: creds[0].username }],
    });
    const ctx = { triggerIps: [], accountCountry: 'US' };
    const one = [{ id: creds[0].id, username: creds[0].username, label: creds[0].label }];
    for (const fault of [{ failStatus: 503 }, { failStatus: 429 }, { failStatus: 500, retryAfter: '30' }]) {
      await sim.control('PUT', '/_sim/faults', { failNext: 1, ...fault });
      expect((await liveDevices(one, ctx, client()))[0], JSON.stringify(fault)).toMatchObject({
        bindings: null,
        notRead: { reason: 'failed' },
      });
    }
    // A reload asks again, and reads them.
    await forget();
    expect((await liveDevices(one, ctx, client()))[0]).toMatchObject({ bindings: [], notRead: null });
    expect(await received()).toHaveLength(1);
  });

  it('many due operations and a 429 with Retry-After: 30 → one request, not one per row; no worker asks again until then', async () => {
    const lifts = await liftsQueued(5);
    const numbers = lifts.map((l) => l.account.number);
    await sim.control('PUT', '/_sim/faults', { failNext: 100, failStatus: 429, retryAfter: '30' });
    const too = await metric('tollgate_switch_too_many_requests_total');
    const quiet = await metric('tollgate_switch_quiet_seconds_total');

    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await received()).toHaveLength(1);
    const rows = await ops(numbers);
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(1); // the other four were not claimed
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    expect(rows.filter((r) => r.attempts === 0 && r.nextAttemptAt.getTime() <= Date.now())).toHaveLength(4);

    // A second outbox pass (the worker's next tick, another action's), a reconciler pass over the
    // same accounts and an allowance watch start no request.
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    await getDb().customerAccount.updateMany({
      where: { number: { in: numbers } },
      data: { reconcileDue: true },
    });
    const counts = await reconcilePass({ client: client(), accountNumbers: numbers });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await getDb().destinationAllowance.create({
      data: {
        accountId: lifts[0].account.id,
        country: 'SO',
        hours: 4,
        reason: 'test',
        status: 'active',
        until: new Date(Date.now() + 10_000),
      },
    });
    expect(await watchAllowances({ client: client() })).toBe(0);
    expect(await received()).toHaveLength(1);

    expect((await metric('tollgate_switch_too_many_requests_total')) - too).toBe(1);
    expect((await metric('tollgate_switch_quiet_seconds_total')) - quiet).toBeCloseTo(30, 3);
    for (const l of lifts) expect(await blockStatus(l.block.id)).toBe('lift_pending');
  });

  it('after the Retry-After, the outbox sends the operations it held back', async () => {
    const lifts = await liftsQueued(3);
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 429, retryAfter: '1' });
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await received()).toHaveLength(1);
    const untried = (await ops(lifts.map((l) => l.account.number))).filter((r) => r.attempts === 0);
    expect(untried).toHaveLength(2);
    await sleep(1100);
    // The two not yet tried go now (the one answered 429 too, once its own backoff of 1–2 s is over).
    expect(await processSwitchOutbox({ client: client() })).toBeGreaterThanOrEqual(2);
    for (const r of untried) expect(await blockStatus(r.blockId!)).toBe('lifted');
  });

  it('a 503 with Retry-After quiets the workers too, for at most 5 minutes', async () => {
    await liftsQueued(2);
    await sim.control('PUT', '/_sim/faults', { failNext: 100, failStatus: 503, retryAfter: '86400' });
    const quiet = await metric('tollgate_switch_quiet_seconds_total');
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await received()).toHaveLength(1);
    expect((await metric('tollgate_switch_quiet_seconds_total')) - quiet).toBeCloseTo(300, 3);
  });

  it('two outbox runs at once in one process are one run; an operation queued during it still goes out', async () => {
    const [first] = await liftsQueued(1);
    // A client that holds its first PUT until released, and notes how many are on the wire at once.
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const onWire = new Promise<void>((r) => (started = r));
    const base = client();
    let puts = 0;
    const watched: SwitchClient = {
      ...base,
      async setInternationalCalling(...args) {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          if (++puts === 1) {
            started();
            await held;
          }
          return await base.setInternationalCalling(...args);
        } finally {
          inFlight--;
        }
      },
    };
    // One pass takes one row (max 1): the second lift goes out only if the second call wakes the run.
    const a = processSwitchOutbox({ client: watched, max: 1 });
    await onWire;
    const [second] = await liftsQueued(1);
    const b = processSwitchOutbox({ client: watched, max: 1 });
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]); // each the pass it waited for
    expect(most).toBe(1);
    expect(await blockStatus(first.block.id)).toBe('lifted');
    expect(await blockStatus(second.block.id)).toBe('lifted');
    expect((await received()).filter((r) => r.method === 'PUT')).toHaveLength(2);
    // The run is over: a later call starts a new one.
    const [third] = await liftsQueued(1);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await blockStatus(third.block.id)).toBe('lifted');
  });

  it('the allowance watch reads an account far from its allowance’s end every WATCH_EVERY_MS, one near its end on every pass', async () => {
    const far = (await makeAccount({ members: [] })).account;
    const near = (await makeAccount({ members: [] })).account;
    for (const [account, ms] of [
      [far, 4 * 3600_000],
      [near, 30_000],
    ] as const) {
      await sim.control('PUT', `/_sim/accounts/${account.number}`, {
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
        blockedAt: new Date().toISOString(),
        credentials: [],
      });
      const until = new Date(Date.now() + ms);
      const put = await client().putDestinationAllowances(
        account.number,
        { countries: ['SO'], until: until.toISOString(), reason: 'test', actor: 'test' },
        crypto.randomUUID(),
      );
      expect(put.ok).toBe(true);
      await getDb().destinationAllowance.create({
        data: { accountId: account.id, country: 'SO', hours: 4, reason: 'test', status: 'active', until },
      });
    }
    const reads = async () => {
      const got = (await received()).filter((r) => r.method === 'GET').map((r) => r.path);
      await forget();
      return {
        far: got.filter((p) => p.endsWith(far.number)).length,
        near: got.filter((p) => p.endsWith(near.number)).length,
      };
    };
    await forget();
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);
    expect(await watchAllowances({ client: client(), now: at(0) })).toBe(0);
    expect(await reads()).toEqual({ far: 1, near: 1 });
    for (const ms of [3000, 6000, 9000]) {
      expect(await watchAllowances({ client: client(), now: at(ms) })).toBe(0);
      expect(await reads()).toEqual({ far: 0, near: 1 });
    }
    // An end the switch made long before `until` is still seen, within WATCH_EVERY_MS.
    await sim.control('POST', `/_sim/accounts/${far.number}/allowances/SO/expire`);
    expect(await watchAllowances({ client: client(), now: at(WATCH_EVERY_MS) })).toBe(1);
    expect(await reads()).toEqual({ far: 1, near: 1 });
    expect(
      await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: far.id } }),
    ).toMatchObject({ status: 'ended', endReason: 'ended_on_switch' });
  });

  // CONTRACTS §3 is silent on 429; docs/switch-api.md says "not known to be applied", so the reset
  // keeps its path (the change is unconfirmed, the members are alerted). Its 429 quiets the workers.
  it('a SIP password reset answered 429 with Retry-After: 30 is tried once, reported unconfirmed, and quiets the outbox', async () => {
    const { account, users, creds } = await makeAccount();
    const cred = creds[0];
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [{ username: cred.username, password: 'old-password-0' }],
    });
    const [lift] = await liftsQueued(1);
    await forget();
    await sim.control('PUT', `/_sim/faults/${cred.username}`, {
      failNext: 10,
      failStatus: 429,
      retryAfter: '30',
    });
    const outcome = await resetSipPassword(
      asCustomer(users[0]),
      cred.id,
      `Xq7-${crypto.randomBytes(12).toString('base64url')}`,
      { ip: '192.0.2.7', userAgent: 'vitest' },
    );
    expect(outcome).toMatchObject({
      ok: false,
      code: 'unavailable',
      // The switch answered, asking to wait: busy, and from when (tests/integration/sip-reset-busy.test.ts).
      note: { key: 'outcome.reset.switchBusyUnknown' },
    });
    expect(await received()).toHaveLength(1); // 30 s is past the request's 2 s budget: not asked again
    expect(await processSwitchOutbox()).toBe(0);
    expect(await received()).toHaveLength(1);
    expect(await blockStatus(lift.block.id)).toBe('lift_pending');
  });
});

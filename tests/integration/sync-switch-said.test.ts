import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantAllowance } from '@/lib/allowances/decide';
import { getDb } from '@/lib/server/db';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// What the switch said, as "Out of sync with the switch" stores it (SyncIssue.switchState, and the
// audit row `reconcile.difference`). A tester (2026-12-06) faulted the simulator with a 422 on an
// account's destination allowances and approved an allowance: its entry read "portal said blocked,
// switch said no answer", stored `unknown`, though the switch had answered. A refusal is now stored as
// one (`refused`), for an allowance grant and for a lift that no request waits for; a lift whose 200
// still showed the account blocked keeps `blocked`, what the switch said. Real parts: the switch
// simulator, both databases.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const issuesOf = (accountId: string) => getDb().syncIssue.findMany({ where: { accountId } });
const differenceOf = async (accountId: string) => {
  const rows = await getDb().auditLog.findMany({ where: { accountId, action: 'reconcile.difference' } });
  expect(rows).toHaveLength(1);
  return JSON.parse(rows[0]!.detail!) as Record<string, unknown>;
};
/** The switch refuses the account's next calls whose path holds `path` with a final 422. */
const refuse = (accountNumber: string, path: string) =>
  sim.control('PUT', `/_sim/faults/${accountNumber}`, {
    failNext: 1000,
    failStatus: 422,
    pathContains: path,
  });

describe.each(dialects())('what the switch said, in an out-of-sync entry, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    await getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    await sim.control('DELETE', '/_sim/faults');
  });

  it('an allowance grant the switch refused with a 422 is stored as refused, not as no answer', async () => {
    const { account } = await makeBlockedOnSwitch(sim);
    await refuse(account.number, 'destination-allowances');
    const granted = await grantAllowance(
      await makeStaff(),
      { accountNumber: account.number, country: 'MX', hours: 4, reason: 'Supplier in Monterrey.' },
      meta,
    );
    expect(granted).toMatchObject({ ok: true });
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await issuesOf(account.id)).toEqual([
      expect.objectContaining({
        action: 'allowance_refused',
        portalState: 'blocked',
        switchState: 'refused',
      }),
    ]);
    expect(await differenceOf(account.id)).toMatchObject({
      action: 'allowance_refused',
      switchState: 'refused',
      // The note, in English in the audit log, names the switch's answer and gives no instruction.
      detail: expect.stringMatching(
        /^The switch refused the allowance for .*simulated_failure.*stay blocked\.$/,
      ),
    });
  });

  it('a lift the switch refused with a 422 is stored as refused; one answered 200 still blocked, as blocked', async () => {
    const refused = await makeBlockedOnSwitch(sim);
    expect(await decideLift([refused.block])).toMatchObject({ ok: true });
    await refuse(refused.account.number, 'international-calling');
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await issuesOf(refused.account.id)).toEqual([
      expect.objectContaining({
        action: 'lift_refused',
        portalState: 'lift_requested',
        switchState: 'refused',
      }),
    ]);
    expect(await differenceOf(refused.account.id)).toMatchObject({ switchState: 'refused' });

    // A 200 whose body shows the account still blocked (body_disagrees): the switch said "blocked".
    await sim.control('DELETE', '/_sim/faults');
    const disagrees = await makeBlockedOnSwitch(sim);
    expect(await decideLift([disagrees.block])).toMatchObject({ ok: true });
    const real = client();
    const stillBlocked: SwitchClient = {
      ...real,
      async setInternationalCalling(accountNumber) {
        const now = await real.getAccount(accountNumber);
        if (!now.ok) throw new Error('the simulator did not answer');
        return { ok: true, value: { ...now.value, internationalCalling: 'blocked' } };
      },
    };
    expect(await processSwitchOutbox({ client: stillBlocked })).toBe(0);
    expect(await issuesOf(disagrees.account.id)).toEqual([
      expect.objectContaining({ action: 'lift_refused', switchState: 'blocked' }),
    ]);
  });
});

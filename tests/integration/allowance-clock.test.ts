import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { grantAllowance } from '@/lib/allowances/decide';
import { watchAllowances } from '@/lib/allowances/expiry';
import { getDb } from '@/lib/server/db';
import type { SwitchClient } from '@/lib/switch/client';
import type { SwitchResult } from '@/lib/switch/result';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';

// An allowance's end is the switch's, never the portal's clock (docs/switch-api.md, "Destination
// allowances"). Before, with the portal's clock ahead of the switch's (drift, a jump), the allowance
// watch ended an allowance the switch still listed (mailing "calls to Somalia are blocked again"),
// and a PUT answered with an `until` the portal's clock had passed was recorded as refused, while
// the switch let the calls through; a new fraud block then sent no DELETE for it, so calls to that
// country passed the new block. Here the switch's clock runs two hours behind the portal's: a switch
// written for the test (the simulator shares this process's clock), which keeps allowances as
// CONTRACTS §3 says (drops them at their `until` on its own clock, lists only those in force) and
// answers a repeated Idempotency-Key with its stored answer.

const SWITCH_BEHIND_MS = 2 * 3600_000;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** The switch above; `loseNextAnswer` drops the answer to the next PUT after applying it. */
function switchBehind() {
  const kept = new Map<string, Map<string, string>>();
  const answers = new Map<string, SwitchResult<{ accountNumber: string; allowances: Allowance[] }>>();
  const switchNow = () => Date.now() - SWITCH_BEHIND_MS;
  const inForce = (n: string): Allowance[] =>
    [...(kept.get(n) ?? new Map<string, string>())]
      .filter(([, until]) => Date.parse(until) > switchNow())
      .map(([country, until]) => ({ country, until }));
  const state = { loseNextAnswer: false };
  const unused = async (): Promise<never> => {
    throw new Error('not used by this test');
  };
  const client: SwitchClient = {
    async getAccount(n) {
      return {
        ok: true,
        value: {
          accountNumber: n,
          internationalCalling: 'blocked',
          blockedAt: new Date(switchNow() - 3600_000).toISOString(),
          reason: 'high_risk_destination',
          allowances: inForce(n),
        },
      };
    },
    async putDestinationAllowances(n, body, key) {
      const stored = answers.get(key);
      if (stored) return stored;
      if (Date.parse(body.until) <= switchNow())
        return { ok: false, kind: 'rejected', status: 422, code: 'until_in_past', message: 'until in past' };
      const account = kept.get(n) ?? new Map<string, string>();
      for (const c of body.countries) account.set(c, body.until);
      kept.set(n, account);
      const answer = { ok: true as const, value: { accountNumber: n, allowances: inForce(n) } };
      answers.set(key, answer);
      if (state.loseNextAnswer) {
        state.loseNextAnswer = false;
        return { ok: false, kind: 'unavailable', code: 'timeout', message: 'no answer within 2000 ms' };
      }
      return answer;
    },
    async deleteDestinationAllowance(n, country) {
      kept.get(n)?.delete(country);
      return { ok: true, value: undefined };
    },
    setInternationalCalling: unused,
    setSipPassword: unused,
    getRegistrations: unused,
  };
  return { client, state, listed: (n: string) => inForce(n).map((a) => a.country) };
}
type Allowance = { country: string; until: string };

/** The portal's clock `ms` further on (this process's Date, so sharedNow too); the switch's follows it, behind. */
function later(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
}

const row = (accountId: string) =>
  getDb().destinationAllowance.findFirstOrThrow({ where: { accountId, country: 'SO' } });
const mails = (template: string, allowanceId: string) =>
  getDb().mailMessage.count({ where: { template, payload: { contains: allowanceId } } });

describe.each(dialects())('a portal clock ahead of the switch’s, for allowances, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  /** A blocked account and support's one-hour allowance for Somalia, queued for the switch. */
  async function granted() {
    const { account } = await makeAccount();
    await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    expect(
      await grantAllowance(
        await makeStaff(),
        { accountNumber: account.number, country: 'SO', hours: 1, reason: 'Supplier call in Mogadishu.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    return account;
  }

  it('an allowance the switch still lists stays in force past its until on the portal’s clock; a new block ends it on the switch', async () => {
    const sw = switchBehind();
    const account = await granted();
    expect(await processSwitchOutbox({ client: sw.client })).toBe(1);
    const a = await row(account.id);
    expect(a.status).toBe('active');

    // 70 minutes on: past the `until` on the portal's clock, 50 minutes before it on the switch's.
    later(70 * 60_000);
    expect(await watchAllowances({ client: sw.client })).toBe(0);
    expect((await row(account.id)).status).toBe('active');
    expect(await mails('allowance_ended', a.id)).toBe(0);
    expect(sw.listed(account.number)).toEqual(['SO']);

    // Fraud again: the new block ends the allowance on the switch, so calls there stop passing.
    expect(await deliver(placedEvent(account.number))).toMatchObject({ status: 200 });
    expect(await processSwitchOutbox({ client: sw.client })).toBe(1);
    expect(sw.listed(account.number)).toEqual([]);
    expect(await row(account.id)).toMatchObject({ status: 'ended', endReason: 'new_block' });
  });

  it('a PUT answered with an until the portal’s clock has passed is confirmed by the switch’s GET, not refused', async () => {
    const sw = switchBehind();
    const account = await granted();
    const { until } = await row(account.id);
    // The outbox was held up for 70 minutes: the switch takes the PUT (on its clock the until lies ahead).
    later(70 * 60_000);
    expect(await processSwitchOutbox({ client: sw.client })).toBe(1);
    const a = await row(account.id);
    expect(a).toMatchObject({ status: 'active', until });
    expect(await mails('allowance_started', a.id)).toBeGreaterThan(0);
    expect(sw.listed(account.number)).toEqual(['SO']);
  });

  it('the switch’s stored answer for an allowance it has dropped since is refused after its GET', async () => {
    const sw = switchBehind();
    const account = await granted();
    sw.state.loseNextAnswer = true;
    expect(await processSwitchOutbox({ client: sw.client })).toBe(0); // applied; the answer was lost
    expect((await row(account.id)).status).toBe('sending');
    // Three hours and ten minutes on, the switch has dropped it (its until passed on its clock too);
    // the re-send with the same key gets the stored answer, which still lists it.
    later(190 * 60_000);
    expect(await processSwitchOutbox({ client: sw.client })).toBe(0);
    expect(sw.listed(account.number)).toEqual([]);
    expect(await row(account.id)).toMatchObject({ status: 'refused' });
  });
});

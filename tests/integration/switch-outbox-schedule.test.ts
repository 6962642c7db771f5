import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sharedNow } from '@/lib/server/clock';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// docs/switch-api.md part 1, "Timeouts and retries on Tollgate's side": after the n-th failed
// attempt of a queued change the next is due after a random wait between half and all of
// min(2^(n−1) s, 5 min): 0.5–1 s, 1–2 s, 2–4 s … A tester saw a lift's attempts reach the simulator
// +2.0 s then +3.0 s apart; the waits below are the schedule itself, measured on the row the real
// outbox reschedules after a real failed request. The gaps a switch sees are up to a tick longer:
// the workers look for due changes a second after each pass (lib/server/workers.ts).

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 500, retries: 0, log: () => {} });

describe.each(dialects())('the switch outbox’s retry schedule on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  /** A lift queued for a blocked account; the waits after each of `failures` failed attempts, in ms. */
  async function waitsAfterFailures(failures: number, random: number, fault: Record<string, unknown> = {}) {
    const { account } = await makeAccount();
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: new Date().toISOString(),
      credentials: [],
    });
    const block = await makeBlock(account.id);
    await decideLift([block]);
    const spy = vi.spyOn(Math, 'random').mockReturnValue(random);
    const waits: [number, number][] = [];
    try {
      for (let n = 1; n <= failures; n++) {
        await sim.control('PUT', '/_sim/faults', { failNext: 1, method: 'PUT', ...fault });
        const before = sharedNow().getTime();
        expect(await processSwitchOutbox({ client: client() })).toBe(0);
        const after = sharedNow().getTime();
        const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
        expect(op.attempts).toBe(n);
        const due = op.nextAttemptAt.getTime();
        // The wait is counted from the failure, which is between `before` and `after`.
        waits.push([due - after, due - before]);
        // Due now for the next round (tests do not wait); after the last, out of the later tests' way.
        const next = n < failures ? new Date(0) : new Date('3000-01-01T00:00:00Z');
        await getDb().switchOperation.update({ where: { id: op.id }, data: { nextAttemptAt: next } });
      }
    } finally {
      spy.mockRestore();
      await sim.control('DELETE', '/_sim/faults');
      endSwitchQuiet(); // a 503 with Retry-After quiets this instance (lib/switch/quiet.ts)
    }
    return waits;
  }

  it('after the n-th failed attempt, the next is due between half and all of 2^(n−1) s', async () => {
    const ceilings = [1000, 2000, 4000, 8000];
    const longest = await waitsAfterFailures(4, 1);
    const shortest = await waitsAfterFailures(4, 0);
    ceilings.forEach((ceiling, i) => {
      const [low, high] = longest[i]!;
      expect(low <= ceiling && ceiling <= high, `${i + 1}: ${longest[i]} vs ${ceiling}`).toBe(true);
      const [l, h] = shortest[i]!;
      expect(l <= ceiling / 2 && ceiling / 2 <= h, `${i + 1}: ${shortest[i]} vs ${ceiling / 2}`).toBe(true);
    });
  });

  it('a longer Retry-After is the wait instead', async () => {
    const [[low, high]] = await waitsAfterFailures(1, 1, { failStatus: 503, retryAfter: '3' });
    expect(low <= 3000 && 3000 <= high, `${low}–${high}`).toBe(true);
  });
});

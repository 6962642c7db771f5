import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchClient } from '@/lib/switch/client';
import { startTestSim, TOKEN, type TestSim } from './sim-fixture';

// CONTRACTS §3 destination allowances (issue 16): the client against the simulator.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe('destination allowances on the simulator', () => {
  beforeAll(async () => {
    sim = await startTestSim();
    await sim.control('PUT', '/_sim/accounts/ACC-7001', {
      internationalCalling: 'blocked',
      reason: 'manual',
      credentials: [],
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('PUT answers the allowances, a repeated key applies once, the GET lists them, DELETE ends one', async () => {
    const key = crypto.randomUUID();
    const until = inHours(2);
    const body = { countries: ['SO'], until, reason: 'supplier', actor: 'sam@tollgate.example' };
    const first = await client().putDestinationAllowances('ACC-7001', body, key);
    expect(first).toEqual({
      ok: true,
      value: { accountNumber: 'ACC-7001', allowances: [{ country: 'SO', until }] },
    });
    expect(await client().putDestinationAllowances('ACC-7001', body, key)).toEqual(first);
    const replayed = (await sim.control('GET', '/_sim/requests')).body.requests.filter(
      (r: { replayed: boolean }) => r.replayed,
    );
    expect(replayed).toHaveLength(1);
    // The same key for another body is refused, not applied.
    expect(
      await client().putDestinationAllowances('ACC-7001', { ...body, countries: ['CU'] }, key),
    ).toMatchObject({ ok: false, kind: 'rejected', status: 422 });

    const account = await client().getAccount('ACC-7001');
    expect(account.ok && account.value.allowances).toEqual([{ country: 'SO', until }]);

    expect(await client().deleteDestinationAllowance('ACC-7001', 'SO', crypto.randomUUID())).toEqual({
      ok: true,
      value: undefined,
    });
    const after = await client().getAccount('ACC-7001');
    expect(after.ok && after.value.allowances).toEqual([]);
  });

  it('refuses an until in the past, a malformed country and an unknown account, before sending where it can', async () => {
    expect(
      await client().putDestinationAllowances(
        'ACC-7001',
        { countries: ['SO'], until: new Date(Date.now() - 1000).toISOString(), reason: 'r', actor: 'a' },
        crypto.randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'rejected', status: 422, code: 'until_in_past' });
    expect(
      await client().putDestinationAllowances(
        'ACC-7001',
        { countries: ['Somalia'], until: inHours(1), reason: 'r', actor: 'a' },
        crypto.randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'rejected', code: 'invalid_request' });
    expect(
      await client().putDestinationAllowances(
        'ACC-0000',
        { countries: ['SO'], until: inHours(1), reason: 'r', actor: 'a' },
        crypto.randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'not_found', status: 404 });
    expect(await client().deleteDestinationAllowance('ACC-7001', 'so', crypto.randomUUID())).toMatchObject({
      ok: false,
      code: 'invalid_request',
    });
    expect(() => client().deleteDestinationAllowance('ACC-7001', 'SO', 'not-a-uuid')).toThrow(TypeError);
  });

  it('the switch drops an allowance by itself once its until has passed', async () => {
    const until = new Date(Date.now() + 300).toISOString();
    expect(
      (
        await client().putDestinationAllowances(
          'ACC-7001',
          { countries: ['CU'], until, reason: 'r', actor: 'a' },
          crypto.randomUUID(),
        )
      ).ok,
    ).toBe(true);
    // Wait on the switch's state, not on a timer assertion: poll the GET until it no longer lists CU.
    let listed = true;
    for (let i = 0; i < 50 && listed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const a = await client().getAccount('ACC-7001');
      listed = a.ok && (a.value.allowances ?? []).some((x) => x.country === 'CU');
    }
    expect(listed).toBe(false);
  });
});

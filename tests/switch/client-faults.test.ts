import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSwitchClient, type SwitchClientOptions } from '@/lib/switch/client';
import { failureNote, type SwitchFailure } from '@/lib/switch/result';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { demoSimPerFile, TOKEN, type TestSim } from './sim-fixture';

/** The switch's failure note in English words (what a customer reading English sees). */
const failureMessage = (f: SwitchFailure, action: string) =>
  noteText(translate('en'), failureNote(f, action));

vi.mock('server-only', () => ({}));

// Fault injection: the switch fails, hangs, drops the connection or applies a change and answers too
// late. The client must never report such a call as done, must retry only what is safe to retry,
// and a retry with the same Idempotency-Key must not apply twice.

let sim: TestSim;
const lift = { state: 'allowed' as const, reason: 'SIP passwords rotated', actor: 'policy' };

// Generous timeouts where a call must succeed: the machine running the tests may be busy.
const client = (o: Partial<SwitchClientOptions> = {}) =>
  createSwitchClient({
    baseUrl: sim.url,
    token: TOKEN,
    timeoutMs: 5000,
    retries: 2,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    log: () => {},
    ...o,
  });
const faults = (f: Record<string, number | string>) => sim.control('PUT', '/_sim/faults', f);
const account = async () => (await sim.control('GET', '/_sim/accounts/ACC-1001')).body;
const requests = async () =>
  (await sim.control('GET', '/_sim/requests')).body.requests as {
    idempotencyKey: string | null;
    status: number | null;
    fault: string | null;
    replayed: boolean;
  }[];

demoSimPerFile((s) => (sim = s));

describe('500 from the switch', () => {
  it('is retried for a GET until it succeeds', async () => {
    await faults({ failNext: 2 });
    expect(await client().getAccount('ACC-1001')).toMatchObject({
      ok: true,
      value: { internationalCalling: 'blocked' },
    });
    expect((await requests()).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('is unavailable once the retries are spent, and the message does not claim it is done', async () => {
    await faults({ failNext: 10 });
    const res = await client({ retries: 1 }).getAccount('ACC-1001');
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', status: 500, code: 'simulated_failure' });
    expect(await requests()).toHaveLength(2);
    if (!res.ok)
      expect(failureMessage(res, 'the account status')).toMatch(/did not confirm .* cannot treat it as done/);
  });

  it('is retried for a keyed PUT with the same key, and the change is applied once', async () => {
    await faults({ failNext: 2 });
    const key = randomUUID();
    expect(await client().setInternationalCalling('ACC-1001', lift, key)).toMatchObject({
      ok: true,
      value: { internationalCalling: 'allowed' },
    });
    const seen = await requests();
    expect(seen.map((r) => r.idempotencyKey)).toEqual([key, key, key]);
    expect((await account()).internationalCallingChanges).toBe(1);
  });

  it('leaves nothing applied when every attempt fails', async () => {
    await faults({ failNext: 10, failStatus: 503 });
    const res = await client().setSipPassword('acme-pbx', 'a-new-pbx-password-9', randomUUID());
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', status: 503 });
    expect(
      (await sim.control('POST', '/_sim/check-password', { username: 'acme-pbx', password: 'old-pbx-pass' }))
        .body.matches,
    ).toBe(true);
  });
});

// Review 9, finding 5: a switch that asks for quiet (Retry-After) longer than the retry budget.
describe('Retry-After from the switch', () => {
  for (const failStatus of [429, 503]) {
    it(`a ${failStatus} with Retry-After: 30 is not asked again within the request`, async () => {
      await faults({ failNext: 10, failStatus, retryAfter: '30' });
      const res = await client({ retries: 2 }).getAccount('ACC-1001');
      expect(res).toMatchObject({ ok: false, kind: 'unavailable', status: failStatus, retryAfterMs: 30_000 });
      expect(await requests()).toHaveLength(1);
    });
  }

  it('an HTTP-date a minute ahead is read as about 60 s, and not retried', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    await faults({ failNext: 10, failStatus: 503, retryAfter: at });
    const res = await client().setInternationalCalling('ACC-1001', lift, randomUUID());
    expect(res.ok).toBe(false);
    const wait = res.ok ? 0 : (res.retryAfterMs ?? 0);
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await requests()).toHaveLength(1);
  });

  it('a Retry-After within the budget is waited for, then retried', async () => {
    await faults({ failNext: 1, failStatus: 503, retryAfter: '0' });
    expect(await client().getAccount('ACC-1001')).toMatchObject({ ok: true });
    expect((await requests()).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a 4xx that is final carries no Retry-After', async () => {
    await faults({ failNext: 1, failStatus: 409, retryAfter: '30' });
    const res = await client().getAccount('ACC-1001');
    expect(res).toMatchObject({ ok: false, kind: 'rejected', status: 409 });
    expect(res.ok ? undefined : res.retryAfterMs).toBeUndefined();
  });
});

describe('4xx from the switch', () => {
  it('is never retried', async () => {
    expect(await client({ retries: 5 }).getAccount('ACC-4040')).toMatchObject({
      ok: false,
      kind: 'not_found',
    });
    expect(await requests()).toHaveLength(1);
  });
});

describe('timeout', () => {
  it('reports unavailable/timeout when the switch answers after the timeout', async () => {
    await faults({ delayMs: 2000 });
    const started = Date.now();
    const res = await client({ timeoutMs: 300, retries: 0 }).getAccount('ACC-1001');
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1800);
  });

  it('succeeds when the switch is slow but within the timeout', async () => {
    await faults({ delayMs: 100 });
    expect(await client({ timeoutMs: 5000, retries: 0 }).getAccount('ACC-1002')).toMatchObject({ ok: true });
  });

  it('recovers on retry when only the first answer is slow', async () => {
    await faults({ delayMs: 3000, delayNext: 1 });
    expect(await client({ timeoutMs: 1000, retries: 1 }).getAccount('ACC-1002')).toMatchObject({ ok: true });
    expect((await requests()).map((r) => r.fault)).toEqual(['delay', null]);
  });
});

describe('a block placed while a call is in flight (fraudNext)', () => {
  it('blocks the account after the lift arrives and before it applies, with its event; other calls pass', async () => {
    // ACC-1001 starts blocked in the demo data: the lift is what the fraud lands inside.
    await sim.control('PUT', '/_sim/faults/ACC-1001', {
      fraudNext: 1,
      fraudTo: '00252611234567',
      method: 'PUT',
    });
    const c = client({ retries: 0 });
    expect(await c.getAccount('ACC-1001')).toMatchObject({ ok: true }); // a GET is not the faulted method
    expect(await c.getRegistrations('acme-reception')).toMatchObject({ ok: true }); // not an account path
    expect(await c.setInternationalCalling('ACC-1001', lift, randomUUID())).toMatchObject({
      ok: true,
      value: { internationalCalling: 'allowed' },
    });
    expect((await requests()).map((r) => r.fault)).toEqual([null, null, 'fraud']);
    // The switch's history: the fraud monitor's block, then the lift that undid it.
    const events = (await sim.control('GET', '/_sim/events')).body.events as {
      type: string;
      accountNumber: string;
      body: { data: { calls: { to: string }[] } };
    }[];
    const placed = events.filter((e) => e.type === 'block.placed' && e.accountNumber === 'ACC-1001');
    expect(placed).toHaveLength(1);
    expect(placed[0]!.body.data.calls[0]!.to).toBe('00252611234567');
    expect((await account()).internationalCalling).toBe('allowed');
    // Used up: the next lift is only a lift.
    expect((await sim.control('GET', '/_sim/faults/ACC-1001')).body.fraudNext).toBe(0);
    await c.setInternationalCalling('ACC-1001', lift, randomUUID());
    expect((await requests()).at(-1)!.fault).toBeNull();
  });

  it('refuses a dialled number that is not one, and answers a call to an account without credentials with 409', async () => {
    expect((await sim.control('PUT', '/_sim/faults', { fraudNext: 1, fraudTo: 'Somalia' })).status).toBe(400);
    await sim.control('PUT', '/_sim/accounts/ACC-7001', { internationalCalling: 'blocked' });
    await sim.control('PUT', '/_sim/faults/ACC-7001', { fraudNext: 1, method: 'PUT' });
    const res = await client({ retries: 0 }).setInternationalCalling('ACC-7001', lift, randomUUID());
    expect(res).toMatchObject({ ok: false, status: 409 });
    expect((await sim.control('GET', '/_sim/accounts/ACC-7001')).body.internationalCalling).toBe('blocked');
  });
});

describe('connection reset', () => {
  it('reports unavailable/connection_error when every attempt is dropped', async () => {
    await faults({ dropNext: 3 });
    const res = await client({ retries: 2 }).getRegistrations('acme-reception');
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', code: 'connection_error' });
    expect((await requests()).map((r) => r.fault)).toEqual(['drop', 'drop', 'drop']);
  });

  it('retries a dropped password change with the same key and applies it once', async () => {
    await faults({ dropNext: 1 });
    const password = 'fresh-labs-trunk-password-42';
    expect(await client().setSipPassword('labs-trunk', password, randomUUID())).toEqual({
      ok: true,
      value: undefined,
    });
    expect(
      (await sim.control('POST', '/_sim/check-password', { username: 'labs-trunk', password })).body.matches,
    ).toBe(true);
  });

  it('reports unavailable when nothing listens at all', async () => {
    const dead = createSwitchClient({
      baseUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      retries: 1,
      backoffBaseMs: 1,
      log: () => {},
    });
    expect(await dead.getAccount('ACC-1001')).toMatchObject({
      ok: false,
      kind: 'unavailable',
      code: 'connection_error',
    });
  });
});

describe('applied but answered late', () => {
  it('is reported unavailable although the switch applied it; a retry with the same key does not apply twice', async () => {
    await faults({ applyLateMs: 2000, applyLateNext: 1 });
    const key = randomUUID();
    const first = await client({ timeoutMs: 300, retries: 0 }).setInternationalCalling('ACC-1001', lift, key);
    expect(first).toMatchObject({ ok: false, kind: 'unavailable', code: 'timeout' });
    // The switch did apply it: the client was right not to say "done", and equally right not to say "nothing changed".
    expect(await account()).toMatchObject({
      internationalCalling: 'allowed',
      internationalCallingChanges: 1,
    });

    const again = await client({ timeoutMs: 5000, retries: 0 }).setInternationalCalling(
      'ACC-1001',
      lift,
      key,
    );
    expect(again).toMatchObject({ ok: true, value: { internationalCalling: 'allowed' } });
    expect((await account()).internationalCallingChanges).toBe(1);
    expect((await requests()).map((r) => r.replayed)).toEqual([false, true]);
  });

  it('is healed by the client’s own retry, still applied once', async () => {
    await faults({ applyLateMs: 3000, applyLateNext: 1 });
    const res = await client({ timeoutMs: 1000, retries: 2 }).setInternationalCalling(
      'ACC-1001',
      lift,
      randomUUID(),
    );
    expect(res).toMatchObject({ ok: true, value: { internationalCalling: 'allowed' } });
    expect((await account()).internationalCallingChanges).toBe(1);
  });
});

describe('control API', () => {
  it('reads, sets and resets faults; faults never touch /_sim', async () => {
    expect((await faults({ failNext: 1 })).body).toMatchObject({ failNext: 1, failStatus: 500 });
    expect((await sim.control('GET', '/_sim/faults')).body.failNext).toBe(1);
    expect((await sim.control('GET', '/_sim/accounts/ACC-1001')).status).toBe(200);
    expect((await sim.control('DELETE', '/_sim/faults')).body).toMatchObject({
      failNext: 0,
      delayMs: 0,
      dropNext: 0,
      applyLateMs: 0,
    });
    expect((await faults({ failNext: -1 })).status).toBe(400);
  });

  it('scoped faults touch only the paths that contain their scope, beside the global set', async () => {
    // Two tests side by side: one faults ACC-1001's PUTs, the other ACC-1002's GETs.
    expect(
      (await sim.control('PUT', '/_sim/faults/ACC-1001', { failNext: 5, method: 'PUT' })).body,
    ).toMatchObject({ failNext: 5, method: 'PUT' });
    await sim.control('PUT', '/_sim/faults/ACC-1002', { failNext: 1, failStatus: 503 });
    const c = client({ retries: 0 });
    expect(await c.getAccount('ACC-1001')).toMatchObject({ ok: true });
    expect(await c.setInternationalCalling('ACC-1001', lift, randomUUID())).toMatchObject({
      ok: false,
      status: 500,
    });
    expect(await c.getAccount('ACC-1002')).toMatchObject({ ok: false, status: 503 });
    expect(await c.getAccount('ACC-1002')).toMatchObject({ ok: true }); // its one fault is used up
    expect((await sim.control('GET', '/_sim/faults/ACC-1001')).body.failNext).toBe(4);
    expect((await sim.control('GET', '/_sim/faults')).body.failNext).toBe(0); // the global set is untouched
    // Removing one scope leaves the others; DELETE /_sim/faults removes them all.
    await sim.control('PUT', '/_sim/faults/ACC-1002', { failNext: 3 });
    await sim.control('DELETE', '/_sim/faults/ACC-1001');
    expect(await c.setInternationalCalling('ACC-1001', lift, randomUUID())).toMatchObject({ ok: true });
    await sim.control('DELETE', '/_sim/faults');
    expect(await c.getAccount('ACC-1002')).toMatchObject({ ok: true });
    expect((await sim.control('PUT', '/_sim/faults/AC', { failNext: 1 })).status).toBe(400);
  });
});

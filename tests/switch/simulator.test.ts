import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { demoSimPerFile, seedDemoAccounts, startTestSim, TOKEN, type TestSim } from './sim-fixture';

// The simulator as a switch engineer would probe it with curl: raw HTTP, every error shape,
// idempotency rules, durability across a restart, and that it keeps no password in clear.

let sim: TestSim;
const auth = { authorization: `Bearer ${TOKEN}` };

async function call(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { ...auth, 'content-type': 'application/json', ...opts.headers },
    body: opts.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
const put = (path: string, body: unknown, key: string | null = randomUUID()) =>
  call('PUT', path, { body: JSON.stringify(body), headers: key === null ? {} : { 'idempotency-key': key } });
/** PUT international-calling of `account` (state allowed unless given) with `key`. */
const setCalling = (
  account: string,
  body: { state?: string; reason: string; actor: string },
  key: string | null = randomUUID(),
) => put(`/v1/accounts/${account}/international-calling`, { state: 'allowed', ...body }, key);

demoSimPerFile((s) => (sim = s));

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('errors have the contract shape', () => {
  it.each([
    [
      'no token',
      () => call('GET', '/v1/accounts/ACC-1001', { headers: { authorization: '' } }),
      401,
      'unauthorized',
    ],
    [
      'wrong token',
      () => call('GET', '/v1/accounts/ACC-1001', { headers: { authorization: 'Bearer nope' } }),
      401,
      'unauthorized',
    ],
    [
      'control API without token',
      () => call('GET', '/_sim/accounts/ACC-1001', { headers: { authorization: 'Basic x' } }),
      401,
      'unauthorized',
    ],
    ['bad account number', () => call('GET', '/v1/accounts/acc_1'), 400, 'invalid_account_number'],
    ['unknown account', () => call('GET', '/v1/accounts/ACC-4040'), 404, 'account_not_found'],
    ['unknown route', () => call('GET', '/v1/nothing'), 404, 'not_found'],
    ['wrong method', () => call('DELETE', '/v1/accounts/ACC-1001'), 405, 'method_not_allowed'],
    [
      'missing key',
      () => setCalling('ACC-1001', { reason: 'x', actor: 'y' }, null),
      400,
      'idempotency_key_missing',
    ],
    [
      'key not a UUID',
      () =>
        put(
          '/v1/accounts/ACC-1001/international-calling',
          { state: 'allowed', reason: 'x', actor: 'y' },
          'abc',
        ),
      400,
      'idempotency_key_invalid',
    ],
    [
      'bad JSON',
      () =>
        call('PUT', '/v1/sip-credentials/acme-pbx/password', {
          body: '{"password":',
          headers: { 'idempotency-key': randomUUID() },
        }),
      400,
      'invalid_json',
    ],
    [
      'unknown state',
      () => put('/v1/accounts/ACC-1001/international-calling', { state: 'open', reason: 'x', actor: 'y' }),
      400,
      'invalid_request',
    ],
    [
      'extra field',
      () =>
        put('/v1/accounts/ACC-1001/international-calling', {
          state: 'allowed',
          reason: 'x',
          actor: 'y',
          force: true,
        }),
      400,
      'invalid_request',
    ],
    [
      'password too long',
      () => put('/v1/sip-credentials/acme-pbx/password', { password: 'p'.repeat(129) }),
      400,
      'invalid_request',
    ],
    [
      'bad username',
      () => call('GET', '/v1/sip-credentials/..%2F_sim/registrations'),
      400,
      'invalid_username',
    ],
    [
      'oversize body',
      () => put('/v1/sip-credentials/acme-pbx/password', { password: 'p'.repeat(70_000) }),
      413,
      'payload_too_large',
    ],
  ])('%s', async (_name, run, status, code) => {
    const res = await run();
    expect(res.status).toBe(status);
    expect(res.body).toEqual(errorShape);
    expect(res.body.error.code).toBe(code);
  });

  it('never echoes a password in an error', async () => {
    const res = await put('/v1/sip-credentials/acme-pbx/password', { password: 'p'.repeat(129), extra: 'x' });
    expect(JSON.stringify(res.body)).not.toContain('ppppp');
  });

  it('answers /healthz without a token', async () => {
    expect((await call('GET', '/healthz', { headers: { authorization: '' } })).body).toEqual({ ok: true });
  });
});

describe('idempotency keys', () => {
  it('replay the stored response with Idempotent-Replayed, across endpoints and bodies', async () => {
    const key = randomUUID();
    const a = await setCalling('ACC-1001', { reason: 'x', actor: 'y' }, key);
    const b = await setCalling('ACC-1001', { reason: 'x', actor: 'y' }, key);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await setCalling('ACC-1002', { reason: 'x', actor: 'y' }, key)).status).toBe(422);
    expect((await put('/v1/sip-credentials/acme-pbx/password', { password: 'whatever-1' }, key)).status).toBe(
      422,
    );
  });

  it('are not bound by a refused request, so the corrected request can use the same key', async () => {
    const key = randomUUID();
    expect((await setCalling('ACC-1001', { reason: '', actor: 'y' }, key)).status).toBe(400);
    expect((await setCalling('ACC-1001', { reason: 'ok', actor: 'y' }, key)).status).toBe(200);
  });
});

describe('a caller that hangs up during an injected delay', () => {
  it('is recorded as 499, changes nothing and logs no error of the simulator', async () => {
    const before = (await sim.control('GET', '/_sim/accounts/ACC-1001')).body as {
      internationalCallingChanges: number;
    };
    const errors: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
    await sim.control('PUT', '/_sim/faults', { delayMs: 300 });
    try {
      await sim.control('DELETE', '/_sim/requests');
      const gone = await fetch(sim.url + '/v1/accounts/ACC-1001/international-calling', {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ state: 'allowed', reason: 'probe', actor: 'test' }),
        signal: AbortSignal.timeout(50),
      }).catch((e: Error) => e.name);
      expect(gone).toBe('TimeoutError');
      await expect
        .poll(async () => {
          const { requests } = (await sim.control('GET', '/_sim/requests')).body as {
            requests: { status: number | null; fault: string | null }[];
          };
          return requests.at(-1);
        })
        .toMatchObject({ status: 499, fault: 'delay' });
    } finally {
      await sim.control('DELETE', '/_sim/faults');
      spy.mockRestore();
    }
    expect(errors).toEqual([]);
    const after = (await sim.control('GET', '/_sim/accounts/ACC-1001')).body as typeof before;
    expect(after.internationalCallingChanges).toBe(before.internationalCallingChanges);
  });
});

describe('durable storage', () => {
  it('keeps accounts, password changes and idempotency keys across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-restart-'));
    let s = await startTestSim({}, dir);
    const prev = sim;
    try {
      sim = s;
      await seedDemoAccounts(sim);
      const key = randomUUID();
      await setCalling('ACC-1001', { reason: 'rotated', actor: 'policy' }, key);
      await put('/v1/sip-credentials/acme-pbx/password', { password: 'the-new-pbx-password' });
      await s.close();

      s = await startTestSim({}, dir);
      sim = s;
      expect((await call('GET', '/v1/accounts/ACC-1001')).body).toMatchObject({
        internationalCalling: 'allowed',
      });
      const replay = await setCalling('ACC-1001', { reason: 'rotated', actor: 'policy' }, key);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await sim.control('GET', '/_sim/accounts/ACC-1001')).body.internationalCallingChanges).toBe(1);
      expect(
        (
          await sim.control('POST', '/_sim/check-password', {
            username: 'acme-pbx',
            password: 'the-new-pbx-password',
          })
        ).body.matches,
      ).toBe(true);

      // Only scrypt hashes are kept: the clear password is in no file of the database.
      await s.close();
      for (const file of ['switch-sim.db', 'switch-sim.db-wal']) {
        const bytes = (() => {
          try {
            return readFileSync(join(dir, file));
          } catch {
            return Buffer.alloc(0);
          }
        })();
        expect(bytes.includes('the-new-pbx-password')).toBe(false);
        expect(bytes.includes('old-pbx-pass')).toBe(false);
      }
    } finally {
      await s.close();
      sim = prev;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('provisioning (control API)', () => {
  it('is idempotent and keeps a rotated password when the seed runs again without one', async () => {
    await put('/v1/sip-credentials/labs-trunk/password', { password: 'rotated-by-customer-1' });
    const again = await sim.control('PUT', '/_sim/accounts/ACC-1002', {
      internationalCalling: 'allowed',
      credentials: [{ username: 'labs-trunk' }],
    });
    expect(again.status).toBe(200);
    expect(
      (
        await sim.control('POST', '/_sim/check-password', {
          username: 'labs-trunk',
          password: 'rotated-by-customer-1',
        })
      ).body.matches,
    ).toBe(true);
    expect(
      (await sim.control('GET', '/_sim/accounts')).body.accounts.map(
        (a: { accountNumber: string }) => a.accountNumber,
      ),
    ).toEqual(['ACC-1001', 'ACC-1002']);
  });

  it('validates its input too', async () => {
    expect(
      (await sim.control('PUT', '/_sim/accounts/ACC-1003', { internationalCalling: 'sometimes' })).status,
    ).toBe(400);
    expect(
      (await sim.control('PUT', '/_sim/accounts/nope', { internationalCalling: 'allowed' })).status,
    ).toBe(400);
    expect((await sim.control('GET', '/_sim/accounts/ACC-7777')).status).toBe(404);
  });
});

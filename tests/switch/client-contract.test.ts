import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { seedDemoAccounts, startTestSim, TOKEN, type TestSim } from './sim-fixture';

vi.mock('server-only', () => ({}));

// Contract tests: the real client against the real simulator over HTTP, one call at a time,
// success and every error shape of CONTRACTS §3.

let sim: TestSim;
let client: SwitchClient;
const quiet = { log: () => {} };

beforeAll(async () => {
  sim = await startTestSim();
  client = createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, ...quiet });
});
afterAll(() => sim.stop());
beforeEach(async () => {
  await sim.control('POST', '/_sim/reset');
  await seedDemoAccounts(sim);
});

describe('GET /v1/accounts/{n}', () => {
  it('returns the account', async () => {
    expect(await client.getAccount('ACC-1001')).toEqual({
      ok: true,
      value: {
        accountNumber: 'ACC-1001',
        internationalCalling: 'blocked',
        blockedAt: '2026-11-25T09:14:03Z',
        reason: 'high_risk_destination',
        allowances: [],
      },
    });
    expect(await client.getAccount('ACC-1002')).toEqual({
      ok: true,
      value: {
        accountNumber: 'ACC-1002',
        internationalCalling: 'allowed',
        blockedAt: null,
        reason: null,
        allowances: [],
      },
    });
  });

  it('reports an unknown account as not_found with the switch code', async () => {
    expect(await client.getAccount('ACC-9999')).toMatchObject({
      ok: false,
      kind: 'not_found',
      status: 404,
      code: 'account_not_found',
    });
  });

  it('refuses a malformed account number without calling the switch', async () => {
    expect(await client.getAccount('../_sim/faults')).toMatchObject({
      ok: false,
      kind: 'rejected',
      code: 'invalid_request',
    });
    expect((await sim.control('GET', '/_sim/requests')).body.requests).toHaveLength(0);
  });
});

describe('PUT /v1/accounts/{n}/international-calling', () => {
  it('lifts and blocks, answering with the account', async () => {
    const lifted = await client.setInternationalCalling(
      'ACC-1001',
      { state: 'allowed', reason: 'SIP passwords rotated', actor: 'policy' },
      randomUUID(),
    );
    expect(lifted).toEqual({
      ok: true,
      value: {
        accountNumber: 'ACC-1001',
        internationalCalling: 'allowed',
        blockedAt: null,
        reason: null,
        allowances: [],
      },
    });
    const blocked = await client.setInternationalCalling(
      'ACC-1001',
      { state: 'blocked', reason: 'manual', actor: 'sam@tollgate.example' },
      randomUUID(),
    );
    expect(blocked).toMatchObject({ ok: true, value: { internationalCalling: 'blocked', reason: 'manual' } });
    const state = (await sim.control('GET', '/_sim/accounts/ACC-1001')).body;
    expect(state.internationalCallingChanges).toBe(2);
    expect(state.history.map((h: { actor: string }) => h.actor)).toEqual(['policy', 'sam@tollgate.example']);
  });

  it('applies a repeated Idempotency-Key once and answers the stored response', async () => {
    const key = randomUUID();
    const change = { state: 'allowed' as const, reason: 'misdial approved', actor: 'sam' };
    const first = await client.setInternationalCalling('ACC-1001', change, key);
    const second = await client.setInternationalCalling('ACC-1001', change, key);
    expect(second).toEqual(first);
    expect((await sim.control('GET', '/_sim/accounts/ACC-1001')).body.internationalCallingChanges).toBe(1);
    const requests = (await sim.control('GET', '/_sim/requests')).body.requests;
    expect(
      requests.map((r: { idempotencyKey: string; replayed: boolean }) => [r.idempotencyKey, r.replayed]),
    ).toEqual([
      [key, false],
      [key, true],
    ]);
  });

  it('answers 422 idempotency_key_reused for the same key with another body, and changes nothing', async () => {
    const key = randomUUID();
    await client.setInternationalCalling(
      'ACC-1002',
      { state: 'blocked', reason: 'manual', actor: 'sam' },
      key,
    );
    const reused = await client.setInternationalCalling(
      'ACC-1002',
      { state: 'allowed', reason: 'manual', actor: 'sam' },
      key,
    );
    expect(reused).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 422,
      code: 'idempotency_key_reused',
    });
    expect(await client.getAccount('ACC-1002')).toMatchObject({
      ok: true,
      value: { internationalCalling: 'blocked' },
    });
  });

  it('answers 400 invalid_request for an invalid body', async () => {
    const res = await client.setInternationalCalling(
      'ACC-1001',
      { state: 'allowed', reason: '', actor: 'sam' },
      randomUUID(),
    );
    expect(res).toMatchObject({ ok: false, kind: 'rejected', status: 400, code: 'invalid_request' });
    const bad = await client.setInternationalCalling(
      'ACC-1001',
      { state: 'open' as 'allowed', reason: 'x', actor: 'sam' },
      randomUUID(),
    );
    expect(bad).toMatchObject({ ok: false, kind: 'rejected', status: 400, code: 'invalid_request' });
  });

  it('answers 404 for an unknown account and does not bind the key', async () => {
    const key = randomUUID();
    expect(
      await client.setInternationalCalling('ACC-9999', { state: 'allowed', reason: 'x', actor: 'sam' }, key),
    ).toMatchObject({ ok: false, kind: 'not_found', status: 404, code: 'account_not_found' });
  });

  it('throws on an Idempotency-Key that is not a UUID (a bug in the caller, not a switch answer)', async () => {
    await expect(
      client.setInternationalCalling('ACC-1001', { state: 'allowed', reason: 'x', actor: 'y' }, 'lift-1'),
    ).rejects.toThrow(/UUID/);
  });
});

describe('PUT /v1/sip-credentials/{u}/password', () => {
  it('sets the password (204) once per key; the switch then has the new password', async () => {
    const key = randomUUID();
    const password = 'correct horse battery staple 7';
    expect(await client.setSipPassword('acme-reception', password, key)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await client.setSipPassword('acme-reception', password, key)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(
      (await sim.control('POST', '/_sim/check-password', { username: 'acme-reception', password })).body,
    ).toEqual({ matches: true });
    expect(
      (
        await sim.control('POST', '/_sim/check-password', {
          username: 'acme-reception',
          password: 'old-reception-pass',
        })
      ).body,
    ).toEqual({ matches: false });
    const cred = (await sim.control('GET', '/_sim/accounts/ACC-1001')).body.credentials.find(
      (c: { username: string }) => c.username === 'acme-reception',
    );
    expect(cred.passwordChanges).toBe(1);
  });

  it('answers 404 for an unknown username and 400 for an over-long password', async () => {
    expect(await client.setSipPassword('nobody', 'x'.repeat(20), randomUUID())).toMatchObject({
      ok: false,
      kind: 'not_found',
      status: 404,
      code: 'credential_not_found',
    });
    expect(await client.setSipPassword('labs-trunk', 'x'.repeat(129), randomUUID())).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 400,
      code: 'invalid_request',
    });
    expect(await client.setSipPassword('labs-trunk', '', randomUUID())).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 400,
    });
  });

  it('answers 422 when a key is reused for another password', async () => {
    const key = randomUUID();
    await client.setSipPassword('labs-trunk', 'first-new-password-1', key);
    const reused = await client.setSipPassword('labs-trunk', 'second-new-password-2', key);
    expect(reused).toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 422,
      code: 'idempotency_key_reused',
    });
    expect(
      (
        await sim.control('POST', '/_sim/check-password', {
          username: 'labs-trunk',
          password: 'first-new-password-1',
        })
      ).body.matches,
    ).toBe(true);
  });
});

describe('GET /v1/sip-credentials/{u}/registrations', () => {
  it('lists live registrations and hides expired ones', async () => {
    const res = await client.getRegistrations('acme-reception');
    expect(res).toMatchObject({
      ok: true,
      value: {
        registrations: [
          {
            contact: 'sip:acme-reception@198.51.100.7:5060',
            sourceIp: '198.51.100.7',
            userAgent: 'Yealink T46U',
            shortened: [],
          },
        ],
        unreadable: 0,
      },
    });
    await sim.control('PUT', '/_sim/credentials/acme-pbx/registrations', {
      registrations: [
        {
          contact: 'sip:acme-pbx@203.0.113.9:5060',
          sourceIp: '203.0.113.9',
          userAgent: 'friendly-scanner',
          expiresAt: '2020-01-01T00:00:00Z',
        },
        {
          contact: 'sip:acme-pbx@[2001:db8::1]:5060',
          sourceIp: '2001:db8::1',
          userAgent: 'Asterisk PBX 20',
          expiresAt: '2099-01-01T00:00:00Z',
        },
      ],
    });
    expect(await client.getRegistrations('acme-pbx')).toMatchObject({
      ok: true,
      value: { registrations: [{ sourceIp: '2001:db8::1' }] },
    });
    expect(await client.getRegistrations('labs-trunk')).toEqual({
      ok: true,
      value: { registrations: [], unreadable: 0 },
    });
  });

  it('answers 404 for an unknown username', async () => {
    expect(await client.getRegistrations('ghost')).toMatchObject({
      ok: false,
      kind: 'not_found',
      status: 404,
      code: 'credential_not_found',
    });
  });
});

describe('authentication', () => {
  it('reports 401 as rejected on every call, without retrying and without applying', async () => {
    const wrong = createSwitchClient({
      baseUrl: sim.url,
      token: 'not-the-token-at-all',
      retries: 3,
      ...quiet,
    });
    const results = [
      await wrong.getAccount('ACC-1001'),
      await wrong.setInternationalCalling(
        'ACC-1001',
        { state: 'allowed', reason: 'x', actor: 'y' },
        randomUUID(),
      ),
      await wrong.setSipPassword('labs-trunk', 'some-password-123', randomUUID()),
      await wrong.getRegistrations('labs-trunk'),
    ];
    for (const r of results)
      expect(r).toMatchObject({ ok: false, kind: 'rejected', status: 401, code: 'unauthorized' });
    expect(await client.getAccount('ACC-1001')).toMatchObject({
      ok: true,
      value: { internationalCalling: 'blocked' },
    });
  });
});

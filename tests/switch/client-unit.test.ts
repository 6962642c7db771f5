import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { log } from '@/lib/server/log';
import { createSwitchClient, type SwitchClientOptions } from '@/lib/switch/client';
import { failureNote, isKnownNotApplied, isRetryable, type SwitchFailure } from '@/lib/switch/result';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { backoffDelay, redact, retryAfterMs } from '@/lib/switch/transport-util';

/** The switch's failure note in English words (what a customer reading English sees). */
const failureMessage = (f: SwitchFailure, action: string) =>
  noteText(translate('en'), failureNote(f, action));

vi.mock('server-only', () => ({}));

// The client against a fake fetch: what it sends, how it reads odd answers, and that a SIP password
// cannot leak through any channel (result, log, console, thrown error).

const PASSWORD = 'Sup3r-Secret-SIP-pw!';
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
type FetchArgs = [string, RequestInit];

function make(fetchImpl: (...args: FetchArgs) => Promise<Response>, o: Partial<SwitchClientOptions> = {}) {
  const logs: unknown[] = [];
  const fetchMock = vi.fn(fetchImpl);
  const client = createSwitchClient({
    baseUrl: 'https://switch.example/api/',
    token: 'tok_abcdefghijklmnop',
    retries: 2,
    backoffBaseMs: 1,
    backoffMaxMs: 2,
    fetch: fetchMock as unknown as typeof fetch,
    log: (e) => logs.push(e),
    ...o,
  });
  return { client, fetchMock, logs };
}

let consoleSpies: MockInstance[] = [];
let logSpies: MockInstance[] = [];
beforeEach(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
  logSpies = (['info', 'warn', 'error'] as const).map((m) => vi.spyOn(log(), m).mockImplementation(() => {}));
});
afterEach(() => {
  vi.restoreAllMocks();
});

function expectNoLeak(...things: unknown[]) {
  const everything =
    JSON.stringify(things) + JSON.stringify([...consoleSpies, ...logSpies].map((s) => s.mock.calls));
  expect(everything).not.toContain(PASSWORD);
}

describe('requests', () => {
  it('sends bearer auth, JSON and the Idempotency-Key, under the configured path prefix', async () => {
    const { client, fetchMock } = make(async () => new Response(null, { status: 204 }));
    const key = randomUUID();
    expect(await client.setSipPassword('acme-pbx', PASSWORD, key)).toEqual({ ok: true, value: undefined });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('https://switch.example/api/v1/sip-credentials/acme-pbx/password');
    expect(init.method).toBe('PUT');
    expect(init.headers).toMatchObject({
      authorization: 'Bearer tok_abcdefghijklmnop',
      'idempotency-key': key,
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(init.body))).toEqual({ password: PASSWORD });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('sends no Idempotency-Key on GETs and encodes usernames in paths', async () => {
    const { client, fetchMock } = make(async () => json(200, { registrations: [] }));
    await client.getRegistrations('front+desk@acme');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('https://switch.example/api/v1/sip-credentials/front%2Bdesk%40acme/registrations');
    expect(init.headers).not.toHaveProperty('idempotency-key');
  });
});

describe('a SIP password never leaks', () => {
  it('not when fetch throws an error whose message holds the request body', async () => {
    const { client, logs } = make(async (_url, init) => {
      throw new TypeError(`fetch failed: ${String(init.body)}`, { cause: new Error(String(init.body)) });
    });
    const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', code: 'connection_error' });
    expect(logs).toHaveLength(3);
    expectNoLeak(res, logs, res.ok ? '' : failureMessage(res, 'your new SIP password'));
  });

  it('not when the switch echoes it in an error body (4xx or 5xx)', async () => {
    for (const status of [400, 500]) {
      const { client, logs } = make(async () =>
        json(status, { error: { code: `bad_${PASSWORD}`, message: `password ${PASSWORD} is too weak` } }),
      );
      const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
      expect(res).toMatchObject({ ok: false, status });
      if (!res.ok) expect(res.message).toContain('[redacted]');
      expectNoLeak(res, logs);
    }
  });

  it('not through the default logger either', async () => {
    const { client } = make(
      async (_u, init) => {
        throw new Error(String(init.body));
      },
      { log: undefined },
    );
    const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
    expect(logSpies[1]!.mock.calls.length).toBeGreaterThan(0); // the process logger's warn was used
    expectNoLeak(res);
  });
});

describe('answers that do not match the contract', () => {
  it.each([
    ['200 with HTML', () => new Response('<html>gateway</html>', { status: 200 }), 'invalid_response'],
    [
      '200 with another account',
      () =>
        json(200, {
          accountNumber: 'ACC-2001',
          internationalCalling: 'allowed',
          blockedAt: null,
          reason: null,
        }),
      'invalid_response',
    ],
    [
      '200 with an unknown state',
      () =>
        json(200, {
          accountNumber: 'ACC-1001',
          internationalCalling: 'maybe',
          blockedAt: null,
          reason: null,
        }),
      'invalid_response',
    ],
    [
      '404 HTML from a proxy (wrong SWITCH_API_URL?)',
      () => new Response('Not Found', { status: 404 }),
      'invalid_response',
    ],
    ['502 HTML from a proxy', () => new Response('<html>Bad gateway</html>', { status: 502 }), 'unavailable'],
    [
      '429 with the error shape',
      () => json(429, { error: { code: 'rate_limited', message: 'slow down' } }),
      'unavailable',
    ],
  ])('%s → %s', async (_name, answer, kind) => {
    const { client } = make(async () => answer(), { retries: 0 });
    expect(await client.getAccount('ACC-1001')).toMatchObject({ ok: false, kind });
  });

  // Issue 14: a 200 whose body the portal cannot use was counted and logged as a success.
  it('a 200 that breaks the contract is logged with the fields it breaks, never their values', async () => {
    const { client, logs } = make(
      async () =>
        json(200, {
          accountNumber: 'ACC-1001',
          internationalCalling: 'blocked',
          blockedAt: 'since-tuesday-secret',
          reason: null,
        }),
      { retries: 0 },
    );
    expect(await client.getAccount('ACC-1001')).toMatchObject({ ok: false, kind: 'invalid_response' });
    expect(logs).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/v1/accounts/ACC-1001',
        status: 200,
        kind: 'invalid_response',
        code: 'bad_body',
        detail: 'HTTP 200 with a body that does not match the contract (blockedAt)',
        willRetry: false,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('since-tuesday');
  });

  it('an answer about another account is logged as such', async () => {
    const other = { accountNumber: 'ACC-2001', allowances: [] };
    const { client, logs } = make(async () => json(200, other), { retries: 0 });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await client.putDestinationAllowances(
        'ACC-1001',
        { countries: ['SO'], until, reason: 'r', actor: 'a' },
        randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'invalid_response' });
    expect(logs).toEqual([
      expect.objectContaining({ detail: expect.stringContaining('accountNumber names another account') }),
    ]);
  });

  // Issue 14: the switch's times in its answers are read like those of its events (one reader).
  it.each([
    ['2026-11-25 09:14:03+0000', '2026-11-25T09:14:03+00:00'],
    ['2026-11-25T06:14:03,5-03', '2026-11-25T06:14:03.5-03:00'],
    ['2026-11-25t09:14z', '2026-11-25T09:14:00Z'],
    ['2026-11-25T10:14:03.123456789+01:00', '2026-11-25T10:14:03.123456789+01:00'],
    // A leap second (RFC 3339 §5.7), at 23:59:60 UTC, whatever the offset it is written in.
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    ['2017-01-01T00:59:60.25+01:00', '2017-01-01T00:59:59.999+01:00'],
    ['2016-12-31 20:59:60-0300', '2016-12-31T20:59:59.999-03:00'],
  ])('reads a switch time written %s in blockedAt, until and expiresAt', async (sent, read) => {
    const account = {
      accountNumber: 'ACC-1001',
      internationalCalling: 'blocked',
      blockedAt: sent,
      reason: 'manual',
      allowances: [{ country: 'SO', until: sent }],
    };
    const binding = { contact: 'sip:a@192.0.2.1', sourceIp: '192.0.2.1', userAgent: 'x', expiresAt: sent };
    const { client, logs } = make(async (url) =>
      json(200, url.endsWith('/registrations') ? { registrations: [binding] } : account),
    );
    expect(await client.getAccount('ACC-1001')).toMatchObject({
      ok: true,
      value: { blockedAt: read, allowances: [{ country: 'SO', until: read }] },
    });
    expect(await client.getRegistrations('acme-reception')).toMatchObject({
      ok: true,
      value: { registrations: [{ expiresAt: read }], unreadable: 0 },
    });
    expect(logs).toEqual([]);
  });

  // Issue 14: a redirect (an http:// SWITCH_API_URL sent on to https://) was a bare connection_error.
  it('a redirect from a real server is not followed, and is named in the failure and the log', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(req.url === '/moved' ? 200 : 301, { location: '/moved', 'content-type': 'text/html' });
      res.end('<html>moved</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const logs: unknown[] = [];
      const client = createSwitchClient({
        baseUrl: `http://127.0.0.1:${port}`,
        token: 'tok_abcdefghijklmnop',
        retries: 0,
        log: (e) => logs.push(e),
      });
      const res = await client.setSipPassword('acme-reception', PASSWORD, randomUUID());
      expect(res).toMatchObject({ ok: false, kind: 'unavailable', status: 301, code: 'redirect' });
      expect(seen).toEqual(['PUT /v1/sip-credentials/acme-reception/password']);
      expect(logs).toEqual([expect.objectContaining({ status: 301, code: 'redirect', kind: 'unavailable' })]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('does not retry a PUT on an invalid answer (it may have been applied: only a keyed retry is safe, and it already was keyed)', async () => {
    const { client, fetchMock } = make(async () => new Response('oops', { status: 200 }));
    expect(
      await client.setInternationalCalling(
        'ACC-1001',
        { state: 'allowed', reason: 'x', actor: 'y' },
        randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'invalid_response' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

// Review, session 39: a timed-out first attempt may have been applied (and bound its key); a 401 or
// 403 (the token rotated meanwhile) to the retry said nothing of it, yet the customer was told
// "nothing was changed" of a SIP password that may have been in force.
describe('a refusal after an attempt whose outcome is not known', () => {
  const afterTimeout = (second: Response) => {
    let calls = 0;
    return make(async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      return second.clone();
    });
  };
  const err = (status: number, code: string) => json(status, { error: { code, message: code } });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
  ])('a %i to the keyed retry is not known to be applied either', async (status, code) => {
    const { client, fetchMock, logs } = afterTimeout(err(status, code));
    const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
    expect(res).toMatchObject({ ok: false, kind: 'unavailable', status, code });
    // Not asked a third time (the token does not change within a request); logged as the switch said.
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(logs.at(-1)).toMatchObject({ status, kind: 'rejected', willRetry: false });
    expect(isKnownNotApplied(res as SwitchFailure)).toBe(false);
    expectNoLeak(res);
  });

  it.each([
    [400, 'invalid_request'],
    [404, 'credential_not_found'],
    [409, 'account_under_investigation'],
    [422, 'idempotency_key_reused'],
  ])(
    'a %i to the keyed retry is the switch refusing the request: known not applied',
    async (status, code) => {
      const { client } = afterTimeout(err(status, code));
      const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
      expect(isKnownNotApplied(res as SwitchFailure)).toBe(true);
    },
  );

  it('a 401 to a first attempt stays a refusal (nothing was sent before it)', async () => {
    const { client } = make(async () => err(401, 'unauthorized'));
    const res = await client.setSipPassword('acme-pbx', PASSWORD, randomUUID());
    expect(res).toMatchObject({ ok: false, kind: 'rejected', status: 401 });
  });
});

describe('cancellation', () => {
  it('stops at once, without retrying, when the caller aborts', async () => {
    const { client, fetchMock } = make(
      (_u, init) =>
        new Promise((_resolve, reject) => {
          init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const controller = new AbortController();
    const pending = client.getAccount('ACC-1001', { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, kind: 'unavailable', code: 'aborted' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('helpers', () => {
  it('backoff is full jitter, capped', () => {
    expect(backoffDelay(1, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 1000, () => 0.999)).toBe(399);
    expect(backoffDelay(10, 100, 1000, () => 0.999)).toBe(999);
    expect(backoffDelay(4, 100, 1000, () => 0)).toBe(0);
  });

  it('reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3)', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Tue, 01 Dec 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('Tuesday, 01-Dec-26 12:01:30 GMT', now)).toBe(90_000); // RFC 850
    expect(retryAfterMs('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0); // already past
    for (const bad of [null, '', '-1', '1.5', 'soon', '2026-12-01T12:01:30Z', '12345678901'])
      expect(retryAfterMs(bad, now)).toBeUndefined();
  });

  it('redact removes every occurrence', () => {
    expect(redact('a pw b pw', ['pw'])).toBe('a [redacted] b [redacted]');
    expect(redact('text', [''])).toBe('text');
    expect(redact('text', undefined)).toBe('text');
  });

  it('failure messages never say done, and say "nothing was changed" only for refusals', () => {
    const f = (kind: SwitchFailure['kind'], status?: number): SwitchFailure => ({
      ok: false,
      kind,
      status,
      message: 'm',
    });
    for (const kind of ['unavailable', 'invalid_response'] as const) {
      expect(failureMessage(f(kind), 'lifting the block')).not.toMatch(
        /nothing was changed|\b(has been|was|is) (done|applied|updated|lifted)\b/i,
      );
      expect(isKnownNotApplied(f(kind))).toBe(false);
      expect(isRetryable(f(kind))).toBe(true); // no final answer: an outbox must keep it pending
    }
    for (const failure of [f('rejected', 400), f('rejected', 401), f('rejected', 403), f('not_found', 404)]) {
      expect(failureMessage(failure, 'lifting the block')).toMatch(/Nothing was changed|nothing was changed/);
      expect(isKnownNotApplied(failure)).toBe(true);
    }
    // The switch's "no" is final; a 401/403 refuses Tollgate's token, not the change: an outbox keeps
    // the change and sends it again once the token is right (review, session 33).
    for (const failure of [f('rejected', 400), f('rejected', 409), f('not_found', 404)])
      expect(isRetryable(failure)).toBe(false);
    for (const failure of [f('rejected', 401), f('rejected', 403)]) expect(isRetryable(failure)).toBe(true);
  });

  it('refuses a bad configuration with a message that does not echo the token', () => {
    expect(() => createSwitchClient({ baseUrl: 'ftp://x', token: 'secret-token-123456' })).toThrow(/baseUrl/);
    expect(() => createSwitchClient({ baseUrl: 'http://x', token: '' })).toThrow(/token/);
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@/lib/server/log';
import { metricsAccess, switchOperation } from '@/lib/server/metrics';
import { requestIdFor } from '@/lib/server/request-id';
import { NextRequest } from 'next/server';
import { linesWithSecrets } from '@/e2e/support/secrets';
import { VALID_ENV } from '@/tests/helpers/config';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger(stream), lines };
}

describe('log lines', () => {
  it('are JSON with level, time and message', () => {
    const { logger, lines } = capture();
    logger.info({ worker: 'mail-outbox' }, 'tick');
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'tollgate',
      worker: 'mail-outbox',
      msg: 'tick',
    });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
    expect(lines[0]).not.toHaveProperty('reqId'); // outside a request
  });
  it('take LOG_LEVEL in any case, as the configuration check accepts it', () => {
    const before = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'DEBUG';
      const { logger, lines } = capture();
      logger.debug('detail');
      expect(lines).toMatchObject([{ level: 'debug', msg: 'detail' }]);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });

  it('never carry a password, token, cookie, secret or link, at the top or one level down', () => {
    const { logger, lines } = capture();
    const values = {
      password: 'p4ss-w0rd-value',
      token: 'tok-value-123',
      cookie: 'authjs=abc',
      secret: 'shh-value',
      link: 'http://x/api/auth/callback/nodemailer?token=t',
      authorization: 'Bearer zz',
    };
    logger.warn({ ...values, nested: values }, 'x');
    const text = JSON.stringify(lines);
    for (const v of Object.values(values)) expect(text).not.toContain(v);
    expect(lines[0]).toMatchObject({ password: '[redacted]', nested: { token: '[redacted]' } });
  });
});

describe('request ids', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('keeps a well-formed id from a trusted proxy in front and makes one otherwise', () => {
    expect(requestIdFor('3f2a9c1e0b7d4e5f8a6b', 1)).toBe('3f2a9c1e0b7d4e5f8a6b');
    for (const bad of [null, '', 'short', 'has space in it', 'x'.repeat(65), 'new\nline-injected']) {
      expect(requestIdFor(bad, 1)).toMatch(UUID);
    }
  });

  it('never keeps the id a client sends when no proxy is trusted (TRUSTED_PROXY_HOPS=0)', async () => {
    const chosen = '3f1c2a9e-0000-4000-8000-agentsrequest';
    expect(requestIdFor(chosen, 0)).toMatch(UUID);
    try {
      // The proxy reads the validated configuration (env(), parsed once per process), so each case
      // stubs a whole valid one and loads the proxy afresh. Blank is unset: the default, 0.
      for (const [hops, kept] of [
        ['', false],
        ['1', true],
      ] as const) {
        for (const [k, v] of Object.entries({ ...VALID_ENV, TRUSTED_PROXY_HOPS: hops })) vi.stubEnv(k, v);
        vi.resetModules();
        const { proxy } = await import('@/proxy');
        const res = await proxy(
          new NextRequest('http://localhost:3000/profile', { headers: { 'x-request-id': chosen } }),
        );
        const answered = res.headers.get('x-request-id');
        // What the app's handlers read (Next passes the rewritten request headers this way).
        const forwarded = res.headers.get('x-middleware-request-x-request-id');
        expect({ hops, kept: answered === chosen, same: forwarded === answered }).toEqual({
          hops,
          kept,
          same: true,
        });
      }
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describe('metrics', () => {
  it('answers 404 without METRICS_TOKEN, 401 with a wrong or missing one', () => {
    expect(metricsAccess('Bearer anything-at-all-here', { token: undefined })).toBe('disabled');
    expect(metricsAccess(null, { token: 'metrics-token-0123456789' })).toBe('denied');
    expect(metricsAccess('Bearer metrics-token-012345678', { token: 'metrics-token-0123456789' })).toBe(
      'denied',
    );
    expect(metricsAccess('Basic metrics-token-0123456789', { token: 'metrics-token-0123456789' })).toBe(
      'denied',
    );
    expect(metricsAccess('Bearer metrics-token-0123456789', { token: 'metrics-token-0123456789' })).toBe(
      'ok',
    ); // The scheme in any case, as RFC 7235 §2.1 has it; the token itself exactly.
    for (const h of ['bearer metrics-token-0123456789', 'BEARER  metrics-token-0123456789'])
      expect(metricsAccess(h, { token: 'metrics-token-0123456789' })).toBe('ok');
    expect(metricsAccess('Bearer METRICS-TOKEN-0123456789', { token: 'metrics-token-0123456789' })).toBe(
      'denied',
    );
  });

  it('labels switch calls by operation, not by account or username', () => {
    expect(switchOperation('/v1/accounts/ACC-1001')).toBe('account');
    expect(switchOperation('/v1/accounts/ACC-1001/international-calling')).toBe('international-calling');
    expect(switchOperation('/v1/sip-credentials/acme-pbx/password')).toBe('password');
    expect(switchOperation('/v1/sip-credentials/acme-pbx/registrations')).toBe('registrations');
    expect(switchOperation('/v1/accounts/ACC-1001/destination-allowances/SO')).toBe('destination-allowances');
  });
});

describe('the e2e log scan', () => {
  it('finds a secret anywhere in a line and names it only by length', () => {
    const found = linesWithSecrets('{"msg":"ok"}\n{"msg":"x","v":"abcd-secret-1234"}\n', [
      'abcd-secret-1234',
    ]);
    expect(found).toEqual(['line 2: a 16-character secret']);
  });
});

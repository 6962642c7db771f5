import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '@/lib/server/env';
import { securityHeaders } from '@/lib/server/security-headers';

const good = {
  DATABASE_URL: 'file:./data/t.db',
  APP_URL: 'https://portal.example.com',
  AUTH_SECRET: 'x'.repeat(32),
  SWITCH_API_URL: 'https://switch.example.com',
  SWITCH_API_TOKEN: 't'.repeat(20),
  SWITCH_WEBHOOK_SECRET: 's'.repeat(32),
  SMTP_URL: 'smtp://mail:587',
};

describe('configuration (CONTRACTS §2)', () => {
  it('accepts a complete production configuration with defaults', () => {
    expect(parseEnv({ ...good, NODE_ENV: 'production' })).toMatchObject({
      PASSWORD_MIN_SCORE: 3,
      SIP_PASSWORD_MIN_GUESSES_LOG10: 18,
      SWITCH_API_TIMEOUT_MS: 5000,
    });
    expect(parseEnv({ ...good, SIP_PASSWORD_MIN_GUESSES_LOG10: '20' }).SIP_PASSWORD_MIN_GUESSES_LOG10).toBe(
      20,
    );
    expect(() => parseEnv({ ...good, SIP_PASSWORD_MIN_GUESSES_LOG10: '3' })).toThrow(
      /SIP_PASSWORD_MIN_GUESSES_LOG10/,
    );
  });
  it('lists every missing or malformed value at once', () => {
    try {
      parseEnv({ DATABASE_URL: 'mysql://x', AUTH_SECRET: 'short', PASSWORD_MIN_SCORE: '7' });
      expect.unreachable();
    } catch (e) {
      const msg = (e as ConfigError).message;
      for (const name of [
        'DATABASE_URL',
        'APP_URL',
        'AUTH_SECRET',
        'SWITCH_API_URL',
        'SWITCH_API_TOKEN',
        'SWITCH_WEBHOOK_SECRET',
        'PASSWORD_MIN_SCORE',
      ])
        expect(msg).toContain(name);
    }
  });
  it('TRUSTED_PROXY_HOPS: 0 (no proxy, the default) is accepted; a non-number is refused with its name', () => {
    expect(parseEnv(good).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ ...good, TRUSTED_PROXY_HOPS: '0' }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ ...good, TRUSTED_PROXY_HOPS: '2' }).TRUSTED_PROXY_HOPS).toBe(2);
    for (const bad of ['x', '-1', '1.5'])
      expect(() => parseEnv({ ...good, TRUSTED_PROXY_HOPS: bad })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
  it('requires SMTP outside the demo in production', () => {
    const { SMTP_URL: _, ...noSmtp } = good;
    expect(() => parseEnv({ ...noSmtp, NODE_ENV: 'production' })).toThrow(/SMTP_URL/);
    expect(parseEnv({ ...noSmtp, NODE_ENV: 'production', TOLLGATE_DEMO: '1' }).SMTP_URL).toBeUndefined();
  });
  it('npm start refuses to start and says what is missing', () => {
    let out = '';
    try {
      execFileSync(path.resolve('node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          APP_URL: 'not a url',
        } as unknown as NodeJS.ProcessEnv,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      expect.unreachable();
    } catch (e) {
      const err = e as { status: number; stderr: string };
      expect(err.status).toBe(1);
      out = err.stderr;
    }
    expect(out).toMatch(/DATABASE_URL/);
    expect(out).toMatch(/APP_URL/);
    expect(out).toMatch(/SWITCH_WEBHOOK_SECRET/);
  });
});

describe('security headers', () => {
  it('sets a nonce CSP, frame-ancestors none and the other defaults; HSTS only over HTTPS', () => {
    const h = securityHeaders({ nonce: 'abc', pathname: '/', https: false, dev: false });
    expect(h['Content-Security-Policy']).toContain(`'nonce-abc'`);
    expect(h['Content-Security-Policy']).toContain(`frame-ancestors 'none'`);
    expect(h['Content-Security-Policy']).not.toContain('unsafe-inline');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(h['Strict-Transport-Security']).toBeUndefined();
    expect(
      securityHeaders({ nonce: 'a', pathname: '/', https: true, dev: false })['Strict-Transport-Security'],
    ).toMatch(/max-age=\d+/);
  });
  it('pages reached from email links send no referrer', () => {
    expect(
      securityHeaders({ nonce: 'a', pathname: '/api/auth/callback/nodemailer', https: true, dev: false })[
        'Referrer-Policy'
      ],
    ).toBe('no-referrer');
    expect(
      securityHeaders({ nonce: 'a', pathname: '/blocks/abc', https: true, dev: false })['Referrer-Policy'],
    ).toBe('no-referrer');
  });
});

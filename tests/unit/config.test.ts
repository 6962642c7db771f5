import os from 'node:os';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envVar, parseEnv, portVar } from '@/lib/server/env';
import { securityHeaders } from '@/lib/server/security-headers';
import { createSwitchClient } from '@/lib/switch/client';
import { VALID_ENV } from '@/tests/helpers/config';

const good = VALID_ENV;

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
  it('LOG_LEVEL in any case is the level; an unknown one is refused by name', () => {
    expect(parseEnv(good).LOG_LEVEL).toBe('info');
    expect(parseEnv({ ...good, LOG_LEVEL: 'DEBUG' }).LOG_LEVEL).toBe('debug');
    expect(parseEnv({ ...good, LOG_LEVEL: ' Warn ' }).LOG_LEVEL).toBe('warn');
    expect(() => parseEnv({ ...good, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
  it('requires SMTP outside the demo in production', () => {
    const { SMTP_URL: _, ...noSmtp } = good;
    expect(() => parseEnv({ ...noSmtp, NODE_ENV: 'production' })).toThrow(/SMTP_URL/);
    expect(parseEnv({ ...noSmtp, NODE_ENV: 'production', TOLLGATE_DEMO: '1' }).SMTP_URL).toBeUndefined();
    // With the other problems, not on the start after they are fixed (break-25: `npm start` with
    // nothing set listed six variables, then SMTP_URL alone).
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL[\s\S]*SWITCH_WEBHOOK_SECRET[\s\S]*SMTP_URL: is required outside the demo/,
    );
    expect(() => parseEnv({ NODE_ENV: 'production', TOLLGATE_DEMO: '1' })).not.toThrow(/SMTP_URL/);
  });
  // Review 10, finding 2: values that cannot work are refused at start, with the variable named.
  const refuses = (over: Record<string, string>, name: string) =>
    expect(() => parseEnv({ ...good, NODE_ENV: 'production', ...over }), JSON.stringify(over)).toThrow(name);
  it('switch URLs must be http(s) with a host (host:port is no URL)', () => {
    for (const bad of [
      'switch.example.com:8080',
      'localhost:4010',
      'ftp://switch.example.com',
      'mailto:x@y.z',
    ])
      refuses({ SWITCH_API_URL: bad }, 'SWITCH_API_URL');
    refuses({ SWITCH_SIM_CONTROL_URL: 'localhost:4010' }, 'SWITCH_SIM_CONTROL_URL');
    refuses({ APP_URL: 'http://' }, 'APP_URL');
    expect(parseEnv({ ...good, SWITCH_API_URL: 'http://127.0.0.1:4010/' }).SWITCH_API_URL).toBe(
      'http://127.0.0.1:4010/',
    );
  });
  // Review, session 34: `new URL` strips surrounding white space and reads the scheme in any case, so
  // start-up accepted values the switch client then refused at every call (readiness still "ok").
  // Whatever start-up accepts, the client takes; whatever it refuses is named with the fault.
  it('a switch URL start-up accepts is one the switch client takes, and the reverse', () => {
    const cases: [string, string | null][] = [
      ['HTTPS://switch.example.com:8443', null],
      ['https://switch.example.com/switch-api/', null],
      ['http://[2001:db8::9]:4010', null],
      ['https://switch.example.com:8443\n', 'has leading or trailing whitespace'],
      [' https://switch.example.com', 'has leading or trailing whitespace'],
      ['https://switch.example.com/?tenant=7', 'must not have a query (?) or a fragment (#)'],
      ['https://switch.example.com/#v1', 'must not have a query (?) or a fragment (#)'],
      ['https://switch.example.com/a b', 'must be an absolute http(s) URL with a host'],
      ['https://', 'must be an absolute http(s) URL with a host'],
      // Review, session 39: fetch refuses a URL with credentials; every call failed as a connection error.
      [
        'https://svc:secret@switch.example.com:8443',
        'must not carry a user or password (user:password@): fetch refuses such a URL, and tokens and secrets have variables of their own',
      ],
    ];
    for (const [url, fault] of cases) {
      const client = () => createSwitchClient({ baseUrl: url, token: 't'.repeat(16) });
      if (fault === null) {
        expect(parseEnv({ ...good, SWITCH_API_URL: url }).SWITCH_API_URL, url).toBe(url);
        expect(client, url).not.toThrow();
      } else {
        refuses({ SWITCH_API_URL: url }, `SWITCH_API_URL: ${fault}`);
        expect(client, url).toThrow(/baseUrl/);
      }
    }
  });
  it('a bearer token with white space inside is refused: no Authorization header could carry it', () => {
    refuses({ METRICS_TOKEN: 'prom scrape token 2026' }, 'METRICS_TOKEN: must not contain white space');
    refuses(
      { SWITCH_API_TOKEN: 'switch\ttoken-0123456789' },
      'SWITCH_API_TOKEN: must not contain white space',
    );
    expect(parseEnv({ ...good, METRICS_TOKEN: 'prom-scrape.token_2026~+/=' }).METRICS_TOKEN).toBe(
      'prom-scrape.token_2026~+/=',
    );
  });
  it('secrets and tokens with surrounding whitespace are refused, saying so; blanks never count', () => {
    refuses(
      { SWITCH_WEBHOOK_SECRET: `${'s'.repeat(32)}\n` },
      'SWITCH_WEBHOOK_SECRET: has leading or trailing whitespace',
    );
    refuses({ AUTH_SECRET: `${'x'.repeat(31)}\n` }, 'AUTH_SECRET');
    refuses({ AUTH_SECRET: ' '.repeat(32) }, 'AUTH_SECRET');
    refuses({ AUTH_SECRET_PREVIOUS: ` ${'x'.repeat(32)}` }, 'AUTH_SECRET_PREVIOUS');
    refuses({ SWITCH_API_TOKEN: `${'t'.repeat(20)}\r\n` }, 'SWITCH_API_TOKEN');
    refuses({ METRICS_TOKEN: ' '.repeat(16) }, 'METRICS_TOKEN');
    expect(parseEnv({ ...good, METRICS_TOKEN: 'm'.repeat(16) }).METRICS_TOKEN).toBe('m'.repeat(16));
  });
  it('SMTP_URL needs a host (and a numeric port when given); MAIL_FROM must be an address', () => {
    for (const bad of ['smtp://', 'smtp://mail.example.com:notaport', 'http://mail.example.com'])
      refuses({ SMTP_URL: bad }, 'SMTP_URL');
    expect(parseEnv({ ...good, SMTP_URL: 'smtps://u:p@mail.example.com:465' }).SMTP_URL).toBe(
      'smtps://u:p@mail.example.com:465',
    );
    for (const bad of [
      'abc',
      'Tollgate <no-reply@',
      'no-reply@',
      '@example.com',
      'a b@example.com',
      'a@example.com, b@example.com', // a list, not one sender
      'Staff: a@example.com;', // a group (RFC 5322 §3.4)
      'Tollgate no-reply@example.com', // a name without the angle brackets
    ])
      refuses({ MAIL_FROM: bad }, 'MAIL_FROM');
    for (const ok of [
      'no-reply@example.com',
      'Tollgate <no-reply@example.com>',
      '"Acme, Inc." <a@xn--clnica-peasco-xib1e.es>',
      'Clínica Peñasco <hola@clínica-peñasco.es>', // RFC 6532: UTF-8 in the name and an IDN domain
    ])
      expect(parseEnv({ ...good, MAIL_FROM: ok }).MAIL_FROM).toBe(ok);
    expect(parseEnv(good).MAIL_FROM).toBe('Tollgate <no-reply@localhost>'); // the documented default
  });
  it('PORT and HOST: blank means the default (3000, localhost), never port 0 on every interface', () => {
    expect(parseEnv({ ...good, PORT: '', HOST: '' })).toMatchObject({ PORT: 3000, HOST: 'localhost' });
    expect(parseEnv({ ...good, PORT: '8080', HOST: '127.0.0.1' })).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
    });
    for (const bad of ['abc', '0', '70000', '80.5']) refuses({ PORT: bad }, 'PORT');
    refuses({ HOST: '  ' }, 'HOST');
  });
  it("portVar: the demo's SWITCH_SIM_PORT by PORT's rule (blank = the default, never port 0)", () => {
    expect(portVar('SWITCH_SIM_PORT', 4010, {})).toBe(4010);
    expect(portVar('SWITCH_SIM_PORT', 4010, { SWITCH_SIM_PORT: '' })).toBe(4010);
    expect(portVar('SWITCH_SIM_PORT', 4010, { SWITCH_SIM_PORT: '5060' })).toBe(5060);
    for (const bad of ['abc', '0', '70000', '80.5', ' '])
      expect(() => portVar('SWITCH_SIM_PORT', 4010, { SWITCH_SIM_PORT: bad })).toThrow(
        /SWITCH_SIM_PORT: must be a TCP port number/,
      );
  });
  it('envVar reads one variable by the same rule: blank is the default, a bad value names the variable', () => {
    expect(envVar('PASSWORD_MIN_SCORE', {})).toBe(3);
    expect(envVar('PASSWORD_MIN_SCORE', { PASSWORD_MIN_SCORE: '' })).toBe(3);
    expect(envVar('PASSWORD_MIN_SCORE', { PASSWORD_MIN_SCORE: '4' })).toBe(4);
    for (const bad of ['three', '7', '-1'])
      expect(() => envVar('PASSWORD_MIN_SCORE', { PASSWORD_MIN_SCORE: bad })).toThrow(/PASSWORD_MIN_SCORE/);
  });
  it('numbers are whole decimal numbers in range: a blank is not 0, and the message names the range', () => {
    // PASSWORD_MIN_SCORE=" " (a template's line with a space) started the portal at score 0, every
    // password accepted: Number(' ') is 0. Likewise `1e3` and `0x10` passed as numbers nobody wrote.
    const numbers: [string, RegExp][] = [
      ['PASSWORD_MIN_SCORE', /PASSWORD_MIN_SCORE: must be a zxcvbn score: a whole number from 0 to 4/],
      [
        'SIP_PASSWORD_MIN_GUESSES_LOG10',
        /SIP_PASSWORD_MIN_GUESSES_LOG10: must be a whole number from 10 to 40/,
      ],
      [
        'SWITCH_API_TIMEOUT_MS',
        /SWITCH_API_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 60000/,
      ],
      ['RECONCILE_INTERVAL_MS', /RECONCILE_INTERVAL_MS: must be a whole number of milliseconds/],
      ['SQLITE_BUSY_TIMEOUT_MS', /SQLITE_BUSY_TIMEOUT_MS: must be a whole number of milliseconds/],
      [
        'POSTGRES_STATEMENT_TIMEOUT_MS',
        /POSTGRES_STATEMENT_TIMEOUT_MS: must be a whole number of milliseconds from 1000 to 3600000/,
      ],
      ['TRUSTED_PROXY_HOPS', /TRUSTED_PROXY_HOPS: must be a whole number of proxies/],
    ];
    for (const [name, message] of numbers)
      for (const bad of [' ', '\t', 'abc', '-1', '1e3', '0x10', '5000ms', '3.0', '99999999999'])
        expect(() => parseEnv({ ...good, [name]: bad }), `${name}=${JSON.stringify(bad)}`).toThrow(message);
    expect(() => envVar('PASSWORD_MIN_SCORE', { PASSWORD_MIN_SCORE: ' ' })).toThrow(/PASSWORD_MIN_SCORE/);
    expect(parseEnv({ ...good, SWITCH_API_TIMEOUT_MS: '2500', RECONCILE_INTERVAL_MS: '' })).toMatchObject({
      SWITCH_API_TIMEOUT_MS: 2500,
      RECONCILE_INTERVAL_MS: 60_000,
      POSTGRES_STATEMENT_TIMEOUT_MS: 10_000,
    });
    for (const bad of ['999', '3600001'])
      refuses({ POSTGRES_STATEMENT_TIMEOUT_MS: bad }, 'POSTGRES_STATEMENT_TIMEOUT_MS');
    for (const name of ['PROVIDER_NAME', 'SUPPORT_CONTACT']) refuses({ [name]: '  ' }, name);
  });
  it('DATABASE_URL names a file or a server: file: and postgresql:// alone are refused', () => {
    refuses({ DATABASE_URL: 'file:' }, 'DATABASE_URL: must name the SQLite file');
    for (const bad of ['postgresql://', 'postgres://', 'postgresql://:5432/db'])
      refuses({ DATABASE_URL: bad }, 'DATABASE_URL: must name the PostgreSQL server');
    for (const ok of [
      'file:./data/tollgate.db',
      'postgresql://tollgate@db.internal:5432/tollgate',
      'postgresql:///tollgate?host=/run/postgresql',
      // Review, session 39: a socket with a user and password (libpq and node-postgres take it).
      'postgresql://tollgate:s3cret@/tollgate?host=/run/postgresql',
      'postgresql://tollgate@/tollgate?host=%2Frun%2Fpostgresql',
    ])
      expect(parseEnv({ ...good, DATABASE_URL: ok }).DATABASE_URL).toBe(ok);
    refuses(
      { DATABASE_URL: 'postgresql://tollgate:s3cret@/tollgate' },
      'DATABASE_URL: must name the PostgreSQL server',
    );
  });
  it('npm start refuses to start and says what is missing', () => {
    let out = '';
    try {
      execFileSync(path.resolve('node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          APP_URL: 'not a url',
          PORT: 'abc',
        } as unknown as NodeJS.ProcessEnv,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 120_000,
        killSignal: 'SIGTERM', // the tsx launcher passes it on to its node child
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
    expect(out).toMatch(/PORT: must be a TCP port number/);
  });
  it('db:migrate, start and demo refuse an argument they do not take, before doing anything', () => {
    // Review (session 35): `npm run db:migrate -- --dry-run` applied the migrations, and `npm run
    // demo -- --rest` kept the old data, each without a word.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-flags-'));
    const db = path.join(dir, 'never.db');
    for (const [script, args, said] of [
      [
        'scripts/migrate.ts',
        ['--dry-run'],
        /^error: Unknown option '--dry-run'.*\nusage: npm run db:migrate$/s,
      ],
      ['scripts/migrate.ts', ['now'], /^error: Unexpected argument 'now'.*\nusage: npm run db:migrate$/s],
      ['scripts/start.ts', ['--help'], /^error: Unknown option '--help'.*\nusage: npm start$/s],
      [
        'scripts/demo.ts',
        ['--rest'],
        /^error: Unknown option '--rest'.*\nusage: npm run demo \[-- --reset\]$/s,
      ],
    ] as const) {
      let err = { status: 0, stderr: '' };
      try {
        execFileSync(path.resolve('node_modules/.bin/tsx'), ['--conditions=react-server', script, ...args], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: `file:${db}`,
            DEMO_DATA_DIR: dir,
          } as unknown as NodeJS.ProcessEnv,
          encoding: 'utf8',
          stdio: 'pipe',
          timeout: 120_000,
          killSignal: 'SIGTERM', // the tsx launcher passes it on to its node child
        });
      } catch (e) {
        err = e as typeof err;
      }
      expect({ script, status: err.status, said: said.test(err.stderr.trim()) }).toEqual({
        script,
        status: 2,
        said: true,
      });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
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
  // Not `no-referrer`: under it a form's POST carries `Origin: null`, refused as another site's when
  // sent without JavaScript (e2e/16-no-javascript.spec.ts).
  it('pages reached from email links send no referrer to another site, and their forms their origin', () => {
    expect(
      securityHeaders({ nonce: 'a', pathname: '/api/auth/callback/nodemailer', https: true, dev: false })[
        'Referrer-Policy'
      ],
    ).toBe('same-origin');
    expect(
      securityHeaders({ nonce: 'a', pathname: '/blocks/abc', https: true, dev: false })['Referrer-Policy'],
    ).toBe('same-origin');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDotEnv } from '@/scripts/lib/dotenv.mjs';
import { register } from '@/instrumentation';
import { createLogger, type Logger } from '@/lib/server/log';
import { VALID_ENV } from '@/tests/helpers/config';
import { allowConsoleError } from '@/tests/helpers/setup';
import { servesHttps } from '@/lib/server/http-url';

// Review, session 39 (operators): a .env written by a Windows editor starts with a byte order mark,
// which process.loadEnvFile kept in the first name; and APP_URL's scheme in upper case was read as
// plain http for the Secure flag of cookies.
const NAMES = ['TOLLGATE_DOTENV_FIRST', 'TOLLGATE_DOTENV_SECOND', 'TOLLGATE_DOTENV_SET'];

describe('the .env file as start, the CLI and migrations read it', () => {
  afterEach(() => {
    for (const n of NAMES) delete process.env[n];
  });

  it('reads the first variable of a file that starts with a byte order mark', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-dotenv-')), '.env');
    fs.writeFileSync(
      file,
      '\uFEFFTOLLGATE_DOTENV_FIRST=file:./data/tollgate.db\r\nTOLLGATE_DOTENV_SECOND="a b"\r\nTOLLGATE_DOTENV_SET=from-file\r\n',
    );
    process.env.TOLLGATE_DOTENV_SET = 'from-environment';
    loadDotEnv({ file });
    expect(process.env.TOLLGATE_DOTENV_FIRST).toBe('file:./data/tollgate.db');
    expect(process.env.TOLLGATE_DOTENV_SECOND).toBe('a b');
    expect(process.env.TOLLGATE_DOTENV_SET).toBe('from-environment'); // the real environment wins
    expect(Object.keys(process.env).some((k) => k.startsWith('\uFEFF'))).toBe(false);
  });

  it('a missing file changes nothing', () => {
    loadDotEnv({ file: path.join(os.tmpdir(), 'no-such-dir-tollgate', '.env') });
    expect(process.env.TOLLGATE_DOTENV_FIRST).toBeUndefined();
  });
});

/** A fresh directory holding `.env` with `text`; returns the file's path. */
function dotEnvFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-dotenv-')), '.env');
  fs.writeFileSync(file, text);
  return file;
}

// An operator (session 41): SWITCH_WEBHOOK_SECRET=whsec_rot2_4f8a#b39c… in .env, unquoted. Node's
// parser takes the "#" for a comment: 52 bytes were read as 17 and refused as "must be at least 32
// bytes"; with the "#" at position 43 the server started with a 43-byte secret and refused every
// event the switch signed, 401 bad_signature, without a word about .env.
describe('a .env value cut short at a "#"', () => {
  afterEach(() => {
    // Node 20's parser also reads a comment line holding "=" as a variable named "#…".
    for (const n of Object.keys(process.env))
      if (n.startsWith('TOLLGATE_DOTENV_') || n.startsWith('#')) delete process.env[n];
  });
  const load = (text: string) => {
    const warnings: string[] = [];
    loadDotEnv({ file: dotEnvFile(text), warn: (w) => warnings.push(w) });
    return warnings;
  };

  it('is named with its line and the fix, never with the value; the value is still as Node reads it', () => {
    const warnings = load(
      '# the switch\nTOLLGATE_DOTENV_A=whsec_rot2_4f8a#b39c07d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5\n' +
        'export TOLLGATE_DOTENV_B=#starts-with-a-hash\n',
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^TOLLGATE_DOTENV_A: \.env line 2: /);
    expect(warnings[0]).toContain("put the value in single quotes: TOLLGATE_DOTENV_A='…'");
    expect(warnings[1]).toMatch(/^TOLLGATE_DOTENV_B: \.env line 3: /);
    for (const secretPart of ['whsec', '4f8a', 'b39c', 'starts-with'])
      expect(warnings.join('\n')).not.toContain(secretPart);
    expect(process.env.TOLLGATE_DOTENV_A).toBe('whsec_rot2_4f8a'); // Node's parser stays the reader
    expect(process.env.TOLLGATE_DOTENV_B).toBe('');
  });

  it('says nothing of a comment after whitespace, a quoted value, a comment line or a multi-line value', () => {
    const warnings = load(
      [
        'TOLLGATE_DOTENV_A=value # a note about it',
        "TOLLGATE_DOTENV_B='single#quoted'",
        'TOLLGATE_DOTENV_C="double#quoted"',
        'TOLLGATE_DOTENV_D=`back#quoted`',
        '# TOLLGATE_DOTENV_E=old#value',
        '#TOLLGATE_DOTENV_F=old#value',
        'TOLLGATE_DOTENV_MULTI="first line',
        'TOLLGATE_DOTENV_G=inside#the-value"',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(process.env.TOLLGATE_DOTENV_B).toBe('single#quoted');
  });

  it('says nothing of a variable the environment already holds: once per command under npm start', () => {
    // scripts/start.ts loads .env and says it; the server it starts (scripts/serve.mjs) loads the same
    // file with start's environment, in which every value of the file is already set.
    const text = 'TOLLGATE_DOTENV_A=abc#def\nTOLLGATE_DOTENV_B=ghi#jkl\n';
    expect(load(text).map((w) => w.split(':')[0])).toEqual(['TOLLGATE_DOTENV_A', 'TOLLGATE_DOTENV_B']);
    expect(load(text)).toEqual([]);
    delete process.env.TOLLGATE_DOTENV_A;
    process.env.TOLLGATE_DOTENV_B = 'from-the-environment';
    expect(load(text).map((w) => w.split(':')[0])).toEqual(['TOLLGATE_DOTENV_A']);
  });

  it('names the line Node read when a later line sets the name again', () => {
    expect(load('TOLLGATE_DOTENV_A=abc#def\nTOLLGATE_DOTENV_A=fine\n')).toEqual([]);
    delete process.env.TOLLGATE_DOTENV_A;
    expect(load('TOLLGATE_DOTENV_A=fine\nTOLLGATE_DOTENV_A=abc#def\n')[0]).toMatch(/ line 2: /);
  });

  it('by default is one "warning:" line on stderr', () => {
    allowConsoleError();
    const error = vi.mocked(console.error);
    loadDotEnv({ file: dotEnvFile('TOLLGATE_DOTENV_A=abc#def\n') });
    expect(error.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^warning: TOLLGATE_DOTENV_A: \.env line 1: /),
    ]);
  });

  it('npm start says it once, beside the refusal of the value it cut', () => {
    const dir = path.dirname(
      dotEnvFile('SWITCH_WEBHOOK_SECRET=whsec_rot2_4f8a#b39c07d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5\n'),
    );
    // Every other variable valid, from the environment; the secret only from .env.
    const rest = Object.fromEntries(Object.entries(VALID_ENV).filter(([k]) => k !== 'SWITCH_WEBHOOK_SECRET'));
    let err = { status: 0, stderr: '' };
    try {
      execFileSync(
        path.resolve('node_modules/.bin/tsx'),
        [
          '--tsconfig',
          path.resolve('tsconfig.json'),
          '--conditions=react-server',
          path.resolve('scripts/start.ts'),
        ],
        {
          cwd: dir,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...rest } as unknown as NodeJS.ProcessEnv,
          encoding: 'utf8',
          stdio: 'pipe',
          timeout: 120_000,
          killSignal: 'SIGTERM', // the tsx launcher passes it on to its node child
        },
      );
      expect.unreachable();
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(1);
    const lines = err.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('warning: SWITCH_WEBHOOK_SECRET: .env line 1: '))).toHaveLength(
      1,
    );
    expect(err.stderr).toContain('SWITCH_WEBHOOK_SECRET: must be at least 32 bytes');
    expect(err.stderr).not.toContain('b39c');
  });
});

// `node scripts/serve.mjs` alone, a container's command: serve.mjs leaves its .env warnings on
// globalThis and instrumentation.ts says them with the other start-up warnings, or beside a refusal.
describe('the server alone says its .env warnings at start (instrumentation.ts register)', () => {
  const KEY = Symbol.for('tollgate.dotenvWarnings');
  const WARNING = 'SWITCH_WEBHOOK_SECRET: .env line 4: the "#" in its unquoted value starts a comment…';
  const g = globalThis as { [KEY]?: string[] };
  afterEach(() => {
    delete g[KEY];
    vi.unstubAllEnvs();
  });

  it('beside the refusal of the value it cut', async () => {
    allowConsoleError();
    g[KEY] = [WARNING];
    for (const [k, v] of Object.entries({ ...VALID_ENV, SWITCH_WEBHOOK_SECRET: 'whsec_rot2_4f8a' }))
      vi.stubEnv(k, v);
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    await expect(register()).rejects.toThrow('exit 1');
    const said = vi.mocked(console.error).mock.calls.map((c) => String(c[0]));
    expect(said[0]).toBe(`warning: ${WARNING}`);
    expect(said[1]).toContain('SWITCH_WEBHOOK_SECRET: must be at least 32 bytes');
  });

  it('as a JSON warning line led by its variable, with the configuration warnings', async () => {
    g[KEY] = [WARNING];
    for (const [k, v] of Object.entries(VALID_ENV)) vi.stubEnv(k, v);
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');
    vi.stubEnv('TOLLGATE_WORKERS', '0');
    const lines: { level: string; variable?: string; msg: string }[] = [];
    (globalThis as { __tollgateLog?: Logger }).__tollgateLog = createLogger({
      write: (s: string) => void lines.push(JSON.parse(s)),
    });
    await register();
    expect(lines.filter((l) => l.variable)).toEqual([
      expect.objectContaining({ level: 'warn', variable: 'SWITCH_WEBHOOK_SECRET', msg: WARNING }),
    ]);
    const { startScoring } = await import('@/lib/passwords/check');
    await startScoring(); // the thread register started: let it finish starting before the file ends
  });
});

describe('servesHttps (APP_URL and its cookies)', () => {
  it.each([
    ['https://portal.example.com', true],
    ['HTTPS://portal.example.com', true],
    ['Https://portal.example.com/tollgate', true],
    ['http://localhost:3000', false],
    ['not a url', false],
  ])('%s → %s', (url, secure) => expect(servesHttps(url)).toBe(secure));
});

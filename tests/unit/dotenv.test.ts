import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from '@/scripts/lib/dotenv.mjs';
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
    loadDotEnv(file);
    expect(process.env.TOLLGATE_DOTENV_FIRST).toBe('file:./data/tollgate.db');
    expect(process.env.TOLLGATE_DOTENV_SECOND).toBe('a b');
    expect(process.env.TOLLGATE_DOTENV_SET).toBe('from-environment'); // the real environment wins
    expect(Object.keys(process.env).some((k) => k.startsWith('\uFEFF'))).toBe(false);
  });

  it('a missing file changes nothing', () => {
    loadDotEnv(path.join(os.tmpdir(), 'no-such-dir-tollgate', '.env'));
    expect(process.env.TOLLGATE_DOTENV_FIRST).toBeUndefined();
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

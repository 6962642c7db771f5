// Plain JavaScript: scripts/serve.mjs (run by Node as it is) loads it, and so do the TypeScript
// scripts (start, admin, migrate) through tsx. Types: ./dotenv.d.mts.
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Loads .env (if present) without overriding the real environment, read by Node's own parser
 * (util.parseEnv, as process.loadEnvFile reads it). A UTF-8 byte order mark at its start, which
 * Windows editors write, is dropped first: process.loadEnvFile kept it in the first name
 * ("\uFEFFDATABASE_URL"), so start said DATABASE_URL was missing while Next's own loader, in the
 * server, read it (review, session 39). The server alone (scripts/serve.mjs) loads it before it reads
 * PORT and HOST, which Next would load only later.
 * @param {string} [file] the file to read; default `.env` in the working directory
 * @returns {void}
 */
export function loadDotEnv(file = path.resolve(process.cwd(), '.env')) {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  for (const [name, value] of Object.entries(parseEnv(text)))
    if (process.env[name] === undefined) process.env[name] = value;
}

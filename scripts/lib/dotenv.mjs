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
 *
 * Each variable this call sets whose unquoted value Node cut at a `#` that follows no whitespace
 * (`whsec_4f8a#b39c`, read as `whsec_4f8a`) is handed to `warn` as one sentence led by the variable's
 * name and naming the file's line, never the value (often a secret). A `#` after whitespace
 * (`KEY=value # note`) is a comment as written and is not reported, nor are quoted values or comment
 * lines. A variable the real environment already holds is not reported: the line was not used, and
 * under `npm start` the server this process starts reads the same file again without a second word.
 * @param {{ file?: string, warn?: (message: string) => void }} [options] `file`: the file to read,
 *   default `.env` in the working directory; `warn`: what to do with each warning, default a
 *   `warning: …` line on stderr
 * @returns {void}
 */
export function loadDotEnv({ file = path.resolve(process.cwd(), '.env'), warn = printWarning } = {}) {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const values = parseEnv(text);
  const set = new Set();
  for (const [name, value] of Object.entries(values))
    if (process.env[name] === undefined) {
      process.env[name] = value;
      set.add(name);
    }
  for (const [name, line] of cutAtHash(text, values))
    if (set.has(name))
      warn(
        `${name}: ${path.basename(file)} line ${line}: the "#" in its unquoted value starts a comment, so only ` +
          `what comes before the "#" was read. If the "#" is part of the value, put the value in single ` +
          `quotes: ${name}='…'.`,
      );
}

/** @param {string} message */
function printWarning(message) {
  console.error(`warning: ${message}`);
}

/** `NAME=value` as Node reads a line (an optional `export `); the value is everything after `=`. */
const ASSIGNMENT = /^\s*(?:export\s+)?([^\s#=][^=]*?)\s*=(.*)$/;

/**
 * The variables whose value Node's parser took from an unquoted line cut at a `#` that follows no
 * whitespace (the `#` first in the value counts: `KEY=#x`), each with its 1-based line number: the
 * last such line per name. This only finds lines; Node's parser says what they mean: a line counts
 * when parsed alone it gives the value the whole file gave (so not a line inside a multi-line quoted
 * value, nor one a later line of the same name overrode) and Node dropped something from it.
 * @param {string} text the file's text
 * @param {Record<string, string>} values what parseEnv read from all of `text`
 * @returns {Map<string, number>}
 */
function cutAtHash(text, values) {
  const found = new Map();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = ASSIGNMENT.exec(line);
    if (!m) return;
    const [, name, raw] = m;
    if (/^\s*['"`]/.test(raw)) return; // quoted: a "#" inside is the value's
    const hash = raw.indexOf('#');
    if (hash === -1 || /\s/.test(raw[hash - 1] ?? '')) return; // none, or a comment after whitespace
    const alone = parseEnv(line)[name];
    if (alone !== undefined && alone === values[name] && alone !== raw.trim()) found.set(name, i + 1);
  });
  return found;
}

// `npm run bench`: runs every benchmark in bench/ one after the other, each in its own process, then
// prints a summary of what each wrote to bench/results/ (gitignored). A benchmark is a top-level
// bench/*.bench.ts script, or a top-level bench/*.ts module that exports `run()` and runs it when
// executed directly (meter.ts, pages.ts, …); helpers (lib.ts, server.ts, harness/, …) are not.
// Each is also runnable alone: `npx tsx bench/<file>`. Benchmarks never assert timings: one fails
// only when it exits non-zero, e.g. a correctness check failed (lost or doubled events,
// authentication failures). Arguments filter by file name: `npm run bench -- kamailio switch-events`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { printResult, RESULTS_DIR, type BenchResult } from './harness/report';

const BENCH_DIR = path.resolve('bench');
const SELF = path.basename(new URL(import.meta.url).pathname);

const isBench = (file: string) =>
  file !== SELF &&
  file.endsWith('.ts') &&
  !file.endsWith('.d.ts') &&
  (file.endsWith('.bench.ts') ||
    /^export\s+(async\s+)?function\s+run\s*\(/m.test(fs.readFileSync(path.join(BENCH_DIR, file), 'utf8')));

const filters = process.argv.slice(2);
const benches = fs
  .readdirSync(BENCH_DIR, { withFileTypes: true })
  .filter((d) => d.isFile() && isBench(d.name))
  .map((d) => d.name)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (benches.length === 0) {
  console.error(`No benchmark in bench/ matches ${filters.join(' ')}`);
  process.exit(1);
}

const snapshot = () =>
  new Map(
    (fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : [])
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, fs.statSync(path.join(RESULTS_DIR, f)).mtimeMs] as const),
  );

interface Outcome {
  file: string;
  exit: number | null;
  seconds: number;
  results: string[];
}

console.log(`Benchmarks: ${benches.join(', ')}`);
const outcomes: Outcome[] = [];
for (const file of benches) {
  console.log(`\n### bench/${file}`);
  const before = snapshot();
  const started = Date.now();
  // The absolute path: modules that run themselves compare import.meta.url with process.argv[1].
  const r = spawnSync(path.resolve('node_modules/.bin/tsx'), [path.join(BENCH_DIR, file)], {
    stdio: 'inherit',
    env: process.env,
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const results = [...snapshot()]
    .filter(([f, mtime]) => before.get(f) !== mtime)
    .map(([f]) => f)
    .sort();
  outcomes.push({ file, exit: r.status ?? (r.signal ? 128 : null), seconds, results });
}

const isBenchResult = (x: unknown): x is BenchResult =>
  typeof x === 'object' && x !== null && 'summary' in x && 'checks' in x && 'title' in x && 'ok' in x;

/** Results in another shape: their numbers, one `path: value` line each (at most 30). */
function printForeign(name: string, value: unknown) {
  console.log(`\n== ${name}`);
  const lines: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (lines.length >= 30) return;
    if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
    else lines.push(`  ${at}: ${String(v)}`);
  };
  walk(value, '');
  console.log(lines.join('\n'));
}

console.log('\n================ Benchmark summary ================');
for (const o of outcomes) {
  console.log(`\n---- bench/${o.file}: ${o.exit === 0 ? 'ok' : `FAILED (exit ${o.exit})`}, ${o.seconds} s`);
  if (o.results.length === 0) console.log('  (no result written)');
  for (const f of o.results) {
    const file = path.join(RESULTS_DIR, f);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      console.log(`  ${f}: not JSON`);
      continue;
    }
    if (isBenchResult(parsed)) printResult(parsed, file);
    else printForeign(f.replace(/\.json$/, ''), parsed);
  }
}
const failed = outcomes.filter((o) => o.exit !== 0);
console.log(
  failed.length === 0
    ? `\nAll ${outcomes.length} benchmarks finished and passed their checks.`
    : `\nFailed: ${failed.map((o) => o.file).join(', ')}`,
);
process.exit(failed.length === 0 ? 0 : 1);

// Shared by the benchmarks: results go to bench/results/<name>.json (gitignored) and to stdout.
// No timing is ever asserted: the machine is shared and noisy, so every figure is reported next to
// a baseline measured in the same run, as a ratio. Only correctness (counts, failures) decides `ok`.
import fs from 'node:fs';
import path from 'node:path';

export const RESULTS_DIR = path.resolve('bench/results');

export interface BenchResult {
  name: string;
  title: string;
  startedAt: string;
  finishedAt: string;
  machine: { node: string; cpus: number; loadavg: number[] };
  params: Record<string, unknown>;
  /** Correctness checks: every one must hold for the bench to pass. */
  checks: { name: string; ok: boolean; detail: string }[];
  ok: boolean;
  /** Short lines for the summary table: label → value. */
  summary: Record<string, string>;
  data: Record<string, unknown>;
}

export function writeResult(r: BenchResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${r.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

export function printResult(r: BenchResult, file?: string): void {
  console.log(`\n== ${r.title} (${r.name})`);
  const width = Math.max(...Object.keys(r.summary).map((k) => k.length));
  for (const [k, v] of Object.entries(r.summary)) console.log(`  ${k.padEnd(width)}  ${v}`);
  for (const c of r.checks) console.log(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`);
  if (file) console.log(`  → ${path.relative(process.cwd(), file)}`);
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function latencySummary(ms: number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50), 2),
    p95: round(percentile(s, 95), 2),
    p99: round(percentile(s, 99), 2),
    max: round(s[s.length - 1] ?? NaN, 2),
  };
}

export const envInt = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};

/** Runs a bench's main(): writes and prints its result; exit code 1 when a check failed or it threw. */
export function runBench(main: () => Promise<BenchResult>): void {
  main()
    .then((r) => {
      const file = writeResult(r);
      printResult(r, file);
      process.exit(r.ok ? 0 : 1);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    });
}

export const machine = async () => {
  const os = await import('node:os');
  return { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg().map((l) => round(l, 2)) };
};

/**
 * Closes a bench's result: stamps `finishedAt` (now, ISO 8601) and `machine`, and sets `ok` to every
 * check holding unless the bench decides it itself. Keys keep the order of {@link BenchResult}, so
 * bench/results/*.json read the same as before.
 */
export async function finishResult(
  startedAt: string,
  name: string,
  title: string,
  r: Pick<BenchResult, 'params' | 'checks' | 'summary' | 'data'> & { ok?: boolean },
): Promise<BenchResult> {
  const { params, checks, summary, data } = r;
  const ok = r.ok ?? checks.every((c) => c.ok);
  const finishedAt = new Date().toISOString();
  return { name, title, startedAt, finishedAt, machine: await machine(), params, checks, ok, summary, data };
}

import fs from 'node:fs';
import path from 'node:path';
import { latencySummary } from './harness/report';

/** Sample count plus the percentiles of bench/harness/report.ts (one percentile definition for every bench). */
export function summarize(samples: number[]) {
  return { n: samples.length, ...latencySummary(samples) };
}

export function writeResult(name: string, result: unknown) {
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(result, null, 2));
  console.log(`\n[${name}]`);
  console.log(JSON.stringify(result, null, 2));
}

/** `connections` workers fire requests back to back for `ms`; latency per request in ms. */
export async function load(
  url: string,
  opts: { connections: number; ms: number; headers?: Record<string, string> },
) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + opts.ms;
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          const res = await fetch(url, { headers: opts.headers, redirect: 'manual' });
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rps: +(latencies.length / (opts.ms / 1000)).toFixed(1), errors, latencyMs: summarize(latencies) };
}

import fs from 'node:fs';
import path from 'node:path';

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export function summarize(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: +quantile(s, 0.5).toFixed(3), p95: +quantile(s, 0.95).toFixed(3), p99: +quantile(s, 0.99).toFixed(3), max: +s[s.length - 1].toFixed(3) };
}

export function writeResult(name: string, result: unknown) {
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(result, null, 2));
  console.log(`\n[${name}]`);
  console.log(JSON.stringify(result, null, 2));
}

/** `connections` workers fire requests back to back for `ms`; latency per request in ms. */
export async function load(url: string, opts: { connections: number; ms: number; headers?: Record<string, string> }) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + opts.ms;
  await Promise.all(Array.from({ length: opts.connections }, async () => {
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
  }));
  return { rps: +(latencies.length / (opts.ms / 1000)).toFixed(1), errors, latencyMs: summarize(latencies) };
}

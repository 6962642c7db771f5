// A small closed-loop HTTP load generator: `concurrency` requests in flight over keep-alive
// connections, each worker sending the next item as soon as its previous answer arrived.
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

export function httpAgent(concurrency: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export function request(
  agent: http.Agent,
  url: URL,
  o: { method: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: o.method,
        headers: {
          ...(o.headers ?? {}),
          ...(o.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(o.body)) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out after 30 s')));
    req.on('error', reject);
    req.end(o.body);
  });
}

export interface LoadResult {
  ms: number;
  answers: (Answer | Error)[];
  /** When each request completed, in ms since the start, in completion order. */
  completions: number[];
}

/** Sends every item with `concurrency` workers; resolves with wall time and each answer (or error), in item order. */
export async function runLoad<T>(
  items: T[],
  concurrency: number,
  send: (item: T, index: number) => Promise<Answer>,
): Promise<LoadResult> {
  const answers: (Answer | Error)[] = new Array(items.length);
  const completions: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        try {
          answers[i] = await send(items[i], i);
        } catch (e) {
          answers[i] = e instanceof Error ? e : new Error(String(e));
        }
        completions.push(performance.now() - started);
      }
    }),
  );
  return { ms: performance.now() - started, answers, completions };
}

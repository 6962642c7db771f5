import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api';
import { RequestLog, type SimContext } from './context';
import { instanceSecret, openDb } from './db';
import { EventSender } from './delivery';
import { Faults } from './faults';
import { handleControl } from './control';
import { hasBearer, HttpError, sendError, sendJson } from './http';

// The switch simulator: CONTRACTS §3 under /v1, a control API under /_sim, and durable event
// delivery to Tollgate (CONTRACTS §4). Used by `npm run switch:sim`, the demo and the tests.

export type SimulatorOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** SQLite file; created if missing, kept across restarts. */
  dataFile: string;
  token: string;
  /** Without it (or without eventsUrl) events are stored but stay pending. */
  webhookSecret?: string | null;
  eventsUrl?: string | null;
  /** Event delivery tuning; the defaults suit the demo, tests shorten them. */
  delivery?: { intervalMs?: number; backoffBaseMs?: number; backoffMaxMs?: number; timeoutMs?: number };
  log?: (line: string) => void;
};

export type RunningSimulator = { url: string; port: number; context: SimContext; close(): Promise<void> };

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  if (options.token.length < 16)
    throw new Error('switch simulator: the API token must be at least 16 characters');
  const log = options.log ?? ((line: string) => console.log(`[switch-sim] ${line}`));
  const db = openDb(options.dataFile);
  const events = new EventSender(db, {
    eventsUrl: options.eventsUrl ?? null,
    webhookSecret: options.webhookSecret ?? null,
    intervalMs: options.delivery?.intervalMs ?? 1000,
    backoffBaseMs: options.delivery?.backoffBaseMs ?? 1000,
    backoffMaxMs: options.delivery?.backoffMaxMs ?? 60_000,
    timeoutMs: options.delivery?.timeoutMs ?? 10_000,
    log,
  });
  const ctx: SimContext = {
    db,
    token: options.token,
    fingerprintKey: instanceSecret(db),
    faults: new Faults(),
    requests: new RequestLog(),
    events,
  };

  const server = createServer((req, res) => void handle(ctx, req, res, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  events.start(); // resumes deliveries left pending by a previous run
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    context: ctx,
    close: () =>
      (closed ??= (async () => {
        server.closeAllConnections(); // keep-alive sockets would hold close() open
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await events.stop();
        db.close();
      })()),
  };
}

async function handle(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  log: (line: string) => void,
): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { ok: true });
    if (!hasBearer(req, ctx.token)) {
      return sendError(res, 401, 'unauthorized', 'a valid bearer token is required', {
        'www-authenticate': 'Bearer',
      });
    }
    if (path.startsWith('/v1/')) return await handleApi(ctx, req, res, path);
    if (path.startsWith('/_sim/')) return await handleControl(ctx, req, res, path);
    return sendError(res, 404, 'not_found', 'no such endpoint');
  } catch (err) {
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message);
    if (err instanceof URIError)
      return sendError(res, 400, 'invalid_path', 'the path is not valid URL encoding');
    // The name only: an error's message could carry request data.
    log(`internal error handling ${req.method} ${req.url}: ${err instanceof Error ? err.name : typeof err}`);
    sendError(res, 500, 'internal_error', 'the simulator failed');
  }
}

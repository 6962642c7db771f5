// The portal's HTTP server: the production Next.js app as a custom server (Next.js docs, "Custom
// Server"), for one reason: `next start` cannot tell a handler the TCP peer of a request once the
// client has sent its own X-Forwarded-For, and with TRUSTED_PROXY_HOPS=0 (no proxy in front) the peer
// is the only client address that cannot be forged. Each request gets it in x-tollgate-peer, overwriting
// anything a client sent under that name (lib/server/request-meta.ts reads it).
// Usage: node scripts/serve.mjs --port 3000 --host localhost   (npm start and the demo run it for you)
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { parseArgs } from 'node:util';
import next from 'next';
import { loadDotEnv } from './lib/dotenv.mjs';

const PEER_HEADER = 'x-tollgate-peer';
// PORT and HOST as `npm start` reads them (lib/server/env.ts: blank means the default) when no flag
// names them: run as a container's command, `node scripts/serve.mjs` with PORT=8080 HOST=0.0.0.0 listened
// on localhost:3000, inside the container only (review, session 39).
// From the real environment or .env, as npm start reads them (Next loads .env only in prepare(), later).
// A .env line cut short at a "#" (scripts/lib/dotenv.mjs) is said by instrumentation.ts, in this process,
// with the other start-up warnings: a JSON log line, or a line beside a refused configuration. Under
// npm start there is none here: scripts/start.ts read .env first and said it, and its environment wins.
const dotenvWarnings = [];
globalThis[Symbol.for('tollgate.dotenvWarnings')] = dotenvWarnings;
loadDotEnv({ warn: (warning) => dotenvWarnings.push(warning) });
const envOr = (value, fallback) => (value === undefined || value.trim() === '' ? fallback : value.trim());
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: envOr(process.env.PORT, '3000') },
    host: { type: 'string', default: envOr(process.env.HOST, 'localhost') },
  },
});
const port = Number(values.port);
const hostname = values.host;

// Read by request-meta.ts in this same process: only here is the header known to come from the socket.
process.env.TOLLGATE_PEER_HEADER = PEER_HEADER;

const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** Headers of the answers this server gives itself, before Next and its proxy: nothing to run, frame or keep. */
const OWN_ANSWER = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/**
 * The request target as Next can route it (RFC 9112 §3.2), or false once this function has answered.
 * Next takes only origin-form ("/path?query"): `OPTIONS *` (asterisk-form, a question about the
 * server as a whole, RFC 9110 §9.3.7) threw inside Next (a 500), and absolute-form ("GET
 * http://host/path", the form clients send to a forward proxy) was redirected by Next's slash
 * normalisation to that host. Asterisk-form is answered here (204 and `Allow`, or 400 for another
 * method); absolute-form is read as its path and query (the host is the server's own: Tollgate serves
 * one origin, APP_URL); anything else is a 400.
 */
function routable(req, res) {
  if (req.url.startsWith('/')) return true;
  if (req.url === '*') {
    res
      .writeHead(req.method === 'OPTIONS' ? 204 : 400, { ...OWN_ANSWER, Allow: 'GET, HEAD, POST, OPTIONS' })
      .end();
    return false;
  }
  if (/^https?:\/\//i.test(req.url)) {
    try {
      const u = new URL(req.url);
      req.url = u.pathname + u.search;
      return true;
    } catch {
      // not a URL: refused below
    }
  }
  res
    .writeHead(400, { ...OWN_ANSWER, 'Content-Type': 'text/plain; charset=utf-8' })
    .end('Bad request target\n');
  return false;
}

/**
 * What the app notes about a request while it runs, read here as the answer's head goes out:
 * `databaseUnavailable`, set by lib/server/db/unavailable.ts when the page's database could not be
 * used. One store per request, found through this AsyncLocalStorage on globalThis (Next bundles the
 * app's modules apart from this script, in the same process).
 */
const facts = new AsyncLocalStorage();
globalThis[Symbol.for('tollgate.requestFacts')] = facts;

/** Seconds a client is asked to wait before trying a page the database could not serve again. */
const RETRY_AFTER_S = '30';

/**
 * A 500 whose cause was the database's unavailability goes out as 503 with Retry-After (RFC 9110
 * §15.6.4, §10.2.3): an outage that passes, which a load balancer or a monitor should tell from a bug.
 * Node writes an implicit head through `res.writeHead` too, so this sees every answer's status.
 */
function unavailableAs503(res, state) {
  const writeHead = res.writeHead;
  res.writeHead = function (status, ...rest) {
    if (status === 500 && state.databaseUnavailable) {
      status = 503;
      this.setHeader('Retry-After', RETRY_AFTER_S);
    }
    return writeHead.call(this, status, ...rest);
  };
}

const server = http.createServer((req, res) => {
  if (!routable(req, res)) return;
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;
  else delete req.headers[PEER_HEADER];
  const state = { databaseUnavailable: false };
  unavailableAs503(res, state);
  facts.run(state, () =>
    handle(req, res).catch((e) => {
      console.error('[serve] request failed', e);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }),
  );
});
// A port already taken (another server, a second start) or not ours to bind: say so and exit, rather
// than live on without listening (Node raises it as an uncaught exception, which Next only logs).
server.on('error', (e) => {
  const why = e.code === 'EADDRINUSE' ? 'the port is already in use' : e.message;
  console.error(`Tollgate could not listen on ${hostname}:${port}: ${why}`);
  process.exit(1);
});
server.listen(port, hostname, () => console.log(`Tollgate listening on http://${hostname}:${port}`));

/** Milliseconds requests in flight get to finish after a stop; the supervisor's SIGKILL comes at 4 s. */
const DRAIN_MS = 2500;

// Stop when told to, and when the supervising process is gone (ENVIRONMENT.md: no orphans). The port is
// released at once and idle keep-alive connections are closed; requests in flight get DRAIN_MS, then
// every connection is cut and the process exits, whatever still holds it: a stop never waits on a
// client (CONTRACTS §7: nothing left within 10 s).
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0)); // http.Server's close also closes idle connections (Node ≥ 19)
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, DRAIN_MS).unref();
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);
// A parent that exits re-parents this process at once, even before it is reaped (a zombie parent still
// answers kill(pid, 0), so a changed ppid is the sign to read).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, 2000).unref();

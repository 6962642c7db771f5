// The portal's HTTP server: the production Next.js app as a custom server (Next.js docs, "Custom
// Server"), for one reason: `next start` cannot tell a handler the TCP peer of a request once the
// client has sent its own X-Forwarded-For, and with TRUSTED_PROXY_HOPS=0 (no proxy in front) the peer
// is the only client address that cannot be forged. Each request gets it in x-tollgate-peer, overwriting
// anything a client sent under that name (lib/server/request-meta.ts reads it).
// It is also the portal's front door (lib/server/front-door.ts: security headers and CSP nonce, request
// id and log line, the sign-in link's binding cookie, the control-character 404), run on each request
// before Next's handler so that Next runs no middleware (issue 14). That function is TypeScript, compiled
// by Next: instrumentation.ts's register(), which runs before this server listens, leaves it on
// globalThis under Symbol.for('tollgate.frontDoor'); without it this server refuses to start.
// Usage: node scripts/serve.mjs --port 3000 --host localhost [--dev]
//   (npm start and the demo run it for you; `npm run dev` runs it with --dev: `next dev`'s compiler)
import http from 'node:http';
import { parseArgs } from 'node:util';
import next from 'next';

const PEER_HEADER = 'x-tollgate-peer';
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: 'localhost' },
    dev: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
const hostname = values.host;

// Read by request-meta.ts in this same process: only here is the header known to come from the socket.
process.env.TOLLGATE_PEER_HEADER = PEER_HEADER;

const app = next({ dev: values.dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
// In production Next would run instrumentation.ts's register() on the first request (`next dev` runs it
// during prepare): run it now, through the very function (and cache) Next uses, so the configuration is
// checked and the front door handed over before the first request. Next's own later call is a no-op.
// (Imported only now: Next's server modules need the environment that prepare() sets up.)
if (!values.dev) {
  const instrumentation = 'next/dist/server/lib/router-utils/instrumentation-globals.external.js';
  const { ensureInstrumentationRegistered } = await import(instrumentation);
  await ensureInstrumentationRegistered(process.cwd(), '.next');
}

// Never serve without the front door: a page without its CSP, a request without its id.
const frontDoor = globalThis[Symbol.for('tollgate.frontDoor')];
if (typeof frontDoor !== 'function') {
  console.error('[serve] no front door registered (instrumentation.ts register()): refusing to start');
  process.exit(1);
}

const server = http.createServer((req, res) => {
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;
  else delete req.headers[PEER_HEADER];
  try {
    frontDoor(req, res);
  } catch (e) {
    console.error('[serve] front door failed', e);
    res.statusCode = 500;
    res.end();
    return;
  }
  handle(req, res).catch((e) => {
    console.error('[serve] request failed', e);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.listen(port, hostname, () => console.log(`Tollgate listening on http://${hostname}:${port}`));

// Stop when told to, and when the supervising process is gone (ENVIRONMENT.md: no orphans).
const stop = () => server.close(() => process.exit(0));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    stop();
  }
}, 2000).unref();

// The e2e factories' writer as one long-lived process (started by global setup, stopped by global
// teardown): a test's plan is a POST of JSON to 127.0.0.1:E2E.factoryPort, answered with the ids.
// Starting a TypeScript process with the server's module graph for every plan cost ~1.5 s of a core
// per plan (measured here). Plans are written one at a time, in arrival order, as before.
// Started through tsx with the server's conditions (--conditions=react-server) and the e2e database.
import http from 'node:http';
import type { FactoryPlan } from './factories';
import { writePlan } from './factory-writer';

const port = Number(process.env.E2E_FACTORY_PORT);
let queue: Promise<unknown> = Promise.resolve();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/plan') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const done = queue.then(() =>
      writePlan(JSON.parse(Buffer.concat(chunks).toString('utf8')) as FactoryPlan),
    );
    queue = done.catch(() => undefined);
    done.then(
      (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (e: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(e instanceof Error ? e.message : String(e)),
    );
  });
});
server.listen(port, '127.0.0.1');
// Global setup keeps our stdin open; when that process is gone (even killed), stdin ends: so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

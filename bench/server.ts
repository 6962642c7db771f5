import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { migrate } from '../lib/db/migrate';
import { waitForHttp } from '../scripts/lib/demo-switch';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

export const BENCH_SECRET = 'bench-auth-secret-bench-auth-secret-0123';

/** The production build on a fresh, migrated, demo-seeded database (needs `npm run build` first). */
export async function startPortal(opts: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<{ url: string; databaseUrl: string; stop: () => void }> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('No production build: run `npm run build` first.');
  const dir = fs.mkdtempSync(path.join(path.resolve('bench/results'), 'run-'));
  const databaseUrl = opts.databaseUrl ?? `file:${path.join(dir, 'tollgate.db')}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, APP_URL: `http://localhost:${port}`, AUTH_SECRET: BENCH_SECRET,
    SWITCH_API_URL: 'http://127.0.0.1:9', SWITCH_API_TOKEN: 'bench-switch-token-0123456789', SWITCH_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789-0123456789',
    TOLLGATE_DEMO: '1', TOLLGATE_WORKERS: '0', ...opts.env,
  };
  await migrate(databaseUrl);
  await new Promise<void>((resolve, reject) => {
    const seed = spawn(path.resolve('node_modules/.bin/tsx'), ['--conditions=react-server', 'e2e/support/seed.ts'], { env, stdio: 'inherit' });
    seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited ${code}`))));
  });
  const child: ChildProcess = spawn(path.resolve('node_modules/.bin/next'), ['start', '-H', 'localhost', '-p', String(port)], { env, stdio: 'ignore', detached: true });
  const url = `http://localhost:${port}`;
  await waitForHttp(`${url}/api/health`);
  return { url, databaseUrl, stop: () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } } };
}

// A portal instance of its own (production build, `next start`), beside the one global setup
// starts on :3210: its own port, its own database and its own switch. Used by the Kamailio loop
// (e2e/kamailio-loop.spec.ts) and by the benchmarks (bench/). Needs `.next` from `npx next build`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../../lib/server/db/migrate';
import { serveCommand } from '../../scripts/lib/supervisor';
import { runTsx } from './tsx';
import { freeTcpPort } from './ports';

export { freeTcpPort };

export interface PortalOptions {
  /** Working directory for this instance: its log (and the SQLite file, by default) go here. */
  dir: string;
  /** Default: a fresh SQLite file `<dir>/tollgate.db` (deleted first). */
  databaseUrl?: string;
  /** Default: a free loopback port. */
  port?: number;
  /** Configuration on top of the defaults below (SWITCH_API_URL, SWITCH_API_TOKEN, SWITCH_WEBHOOK_SECRET, …). */
  env: Record<string, string | undefined>;
  /** A tsx script (run with the server's conditions) that seeds the fresh database before the server starts. */
  seed?: { script: string; args?: string[] };
  startupTimeoutMs?: number;
  /** The tree whose production build is served (default: this one); a benchmark's baseline build. */
  appDir?: string;
}

export interface Portal {
  url: string;
  port: number;
  databaseUrl: string;
  /** Process group id of `next start` (and next-server under it). */
  pid: number;
  logFile: string;
  /** The environment the server runs with (for scripts that must see the same database). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * SIGKILLs the process group of `child` (started with `detached: true`) when this process exits, so
 * that a test or bench that dies leaves no server behind. Returns the function that cancels it.
 */
export function killGroupOnExit(child: ChildProcess): () => void {
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', kill);
  return () => void process.off('exit', kill);
}

/** Signals a whole process group (started with `detached: true`) and waits for its leader to exit. */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // next start leaves next-server behind when only the leader dies: make sure nothing of the group is left.
  signal('SIGKILL');
}

/**
 * Fresh database (migrated with lib/server/db/migrate.ts, optionally seeded), then `next start -H localhost -p <port>`
 * in its own process group. Resolves once this server says it listens (its own log) and /sign-in
 * answers 200. A free port is found by binding port 0 and letting go, so another worker may take it
 * first: a server that finds its port in use exits (scripts/serve.mjs), and the portal is started again
 * on another port (up to 3 tries; not when `o.port` was given). Before, the first server on the port
 * answered for it, and a journey signed in to another test's portal.
 */
export async function startPortal(o: PortalOptions): Promise<Portal> {
  const appDir = path.resolve(o.appDir ?? '.');
  if (!fs.existsSync(path.join(appDir, '.next/BUILD_ID')))
    throw new Error(`No production build in ${appDir}: run \`npx next build\` first (npm test does).`);
  fs.mkdirSync(o.dir, { recursive: true });
  let databaseUrl = o.databaseUrl;
  if (!databaseUrl) {
    const file = path.join(o.dir, 'tollgate.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    databaseUrl = `file:${file}`;
  }
  const envFor = (url: string): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    APP_URL: url,
    AUTH_SECRET: 'kamailio-loop-auth-secret-0123456789abcdef',
    SWITCH_API_TIMEOUT_MS: '3000',
    TOLLGATE_DEMO: '0',
    TOLLGATE_WORKERS: '1',
    MAIL_FROM: 'Tollgate <no-reply@localhost>',
    ...o.env,
  });
  await migrate(databaseUrl);
  let port = o.port ?? (await freeTcpPort());
  if (o.seed) runTsx(o.seed.script, o.seed.args ?? [], envFor(`http://localhost:${port}`));
  for (let attempt = 1; ; attempt++) {
    try {
      return await serve(port, databaseUrl, envFor(`http://localhost:${port}`));
    } catch (e) {
      if (!(e instanceof PortTaken) || o.port !== undefined || attempt === 3) throw e;
      port = await freeTcpPort();
    }
  }

  async function serve(port: number, databaseUrl: string, env: NodeJS.ProcessEnv): Promise<Portal> {
    const url = `http://localhost:${port}`;
    const logFile = path.join(o.dir, `next-${port}.log`);
    const log = fs.openSync(logFile, 'a');
    const [cmd, args] = serveCommand(port, 'localhost', appDir);
    const child = spawn(cmd, args, { env, stdio: ['ignore', log, log], detached: true, cwd: appDir });
    fs.closeSync(log);
    const forget = killGroupOnExit(child);
    const stop = async () => {
      await stopGroup(child);
      forget();
    };
    const listening = `Tollgate listening on ${url}`;
    const until = Date.now() + (o.startupTimeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null) {
        await stop();
        const said = tail(logFile);
        if (said.includes('the port is already in use')) throw new PortTaken(said);
        throw new Error(`next start exited with ${child.exitCode}: ${said}`);
      }
      try {
        if (
          fs.readFileSync(logFile, 'utf8').includes(listening) &&
          (await fetch(`${url}/sign-in`, { signal: AbortSignal.timeout(2_000) })).ok
        )
          break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > until) {
        await stop();
        throw new Error(`The portal on ${url} did not start: ${tail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url, port, databaseUrl, pid: child.pid ?? -1, logFile, env, stop };
  }
}

/** A portal that exited because another server had taken its port first. */
class PortTaken extends Error {}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

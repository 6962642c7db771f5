import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { prettyFactory } from 'pino-pretty';

/** Seconds a child gets between SIGTERM and SIGKILL; CONTRACTS §7 wants nothing left within 10 s. */
const GRACE_MS = 4000;
const GUARD = path.resolve('scripts/lib/exit-with-parent.cjs');

export type Supervisor = {
  /**
   * Starts `command args` detached (its own process group, so a stop reaches its whole tree) with
   * stdin a pipe only this process writes to (the child exits when it reaches end-of-file: see
   * exit-with-parent.cjs) and stdout/stderr piped through this process.
   */
  spawn(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess;
  /** Stops every child (SIGTERM to its group, SIGKILL after the grace period), then exits with `code`. */
  shutdown(code: number, why?: string): void;
};

/**
 * The supervisor of `npm run demo` and `npm start` (CONTRACTS §7: no process left behind).
 * It stops every child and exits on SIGINT, SIGTERM and SIGHUP (a closed terminal), when its own
 * stdout or stderr is closed (nobody reads it: EPIPE), when its parent goes away (re-parented:
 * `process.ppid` changes), and when any child exits. If it is killed outright (SIGKILL), the children
 * see their stdin pipe close and stop themselves.
 * `pretty`: JSON log lines from the children (pino, lib/server/log.ts) are printed for a person
 * (pino-pretty); otherwise every line passes through unchanged.
 */
export function createSupervisor({ pretty }: { pretty: boolean }): Supervisor {
  const children: ChildProcess[] = [];
  const format = pretty
    ? prettyFactory({
        colorize: Boolean(process.stdout.isTTY),
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      })
    : null;
  let stopping = false;

  const write = (stream: NodeJS.WriteStream, text: string) => {
    if (stream.writable && !stream.destroyed) stream.write(text);
  };

  const shutdown = (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    if (why) write(process.stderr, `${why}: stopping…\n`);
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exited = alive.map((c) => new Promise((resolve) => c.once('exit', resolve)));
    alive.forEach((c) => signalGroup(c, 'SIGTERM'));
    const hard = setTimeout(() => children.forEach((c) => signalGroup(c, 'SIGKILL')), GRACE_MS);
    void Promise.all(exited).then(() => {
      clearTimeout(hard);
      // A group can outlive its leader (a grandchild that ignores SIGTERM): leave nothing behind.
      children.forEach((c) => signalGroup(c, 'SIGKILL'));
      process.exit(code);
    });
  };

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping && sig === 'SIGINT') children.forEach((c) => signalGroup(c, 'SIGKILL')); // second Ctrl-C
      shutdown(128 + constants.signals[sig], sig === 'SIGHUP' ? undefined : `\n${sig}`);
    });
  }
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => shutdown(1));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown(1);
  }, 500).unref();

  return {
    shutdown,
    spawn(name, command, args, env) {
      const child = spawn(command, args, {
        env: {
          ...env,
          TOLLGATE_EXIT_WITH_PARENT: '1',
          // Quoted: Node splits NODE_OPTIONS at spaces, and the project may live in "/opt/my apps".
          NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require "${GUARD.replace(/["\\]/g, '\\$&')}"`.trim(),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      children.push(child);
      child.stdin?.on('error', () => {}); // never written to; it exists to close when this process dies
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ] as const) {
        if (!from) continue;
        readline.createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
          write(to, format && line.startsWith('{') ? format(line) : `${line}\n`);
        });
      }
      child.on('exit', (code, signal) => {
        if (!stopping) shutdown(code ?? 1, `${name} exited (${signal ?? `code ${code}`})`);
      });
      return child;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone */
  }
}

/**
 * The command that serves the production build: scripts/serve.mjs, Next.js as a custom server that
 * hands each request its TCP peer address (TRUSTED_PROXY_HOPS=0 needs it; `next start` cannot).
 * `appDir`: the tree whose build it serves (run it with that directory as cwd).
 */
export const serveCommand = (port: number, host = 'localhost', appDir = '.'): [string, string[]] => [
  process.execPath,
  [path.resolve(appDir, 'scripts/serve.mjs'), '--port', String(port), '--host', host],
];

/** The portal's server (scripts/serve.mjs) under the supervisor. */
export function startNext(
  supervisor: Supervisor,
  env: NodeJS.ProcessEnv,
  port: number,
  host = 'localhost',
): ChildProcess {
  const [command, args] = serveCommand(port, host);
  return supervisor.spawn('portal', command, args, env);
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The command that serves the production build: scripts/serve.mjs (Next.js with the socket peer address). */
export const serveCommand = (port: number, host = 'localhost'): [string, string[]] => [process.execPath, [path.resolve('scripts/serve.mjs'), '--port', String(port), '--host', host]];

/** Starts the portal's server in its own process group (ENVIRONMENT.md: a child left behind keeps its port). */
export function startNext(env: NodeJS.ProcessEnv, port: number, host = 'localhost'): ChildProcess {
  const [cmd, args] = serveCommand(port, host);
  return spawn(cmd, args, { env, stdio: 'inherit', detached: true });
}

export function stopGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Forwards Ctrl-C / SIGTERM to the children and exits with the first child's code. */
export function superviseChildren(children: ChildProcess[]): void {
  const stopAll = () => children.forEach((c) => stopGroup(c));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { stopAll(); setTimeout(() => process.exit(0), 500); });
  for (const c of children) c.on('exit', (code) => { stopAll(); process.exit(code ?? 1); });
}

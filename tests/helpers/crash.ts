import { type ChildProcess, spawn } from 'node:child_process';

// kill -9 at an exact point of a portal process's work, for the crash drills (docs/operations.md,
// "What happens if the portal dies during …"). The process is tests/helpers/crash-child.ts, run with
// the test's environment (its DATABASE_URL); the point is found by what it did, never by a sleep.

export type CrashJob = 'approve' | 'mail' | 'reconcile' | 'events';

export type CrashChild = {
  child: ChildProcess;
  /** What the process printed on stdout and stderr, for a failure's message. */
  output: () => string;
};

/**
 * `[command, args]` that run the TypeScript file `script` in one Node process with tsx's loader
 * (`node --import tsx`, reading ./tsconfig.json): what the `tsx` command does, without the launcher
 * process it puts in front (half a second of every start on this machine). `nodeArgs` come first.
 */
export function tsNode(script: string, nodeArgs: string[] = []): [string, string[]] {
  return [process.execPath, [...nodeArgs, '--import', 'tsx', script]];
}

/**
 * Starts crash-child.ts for `job` with `args` (JSON, CRASH_ARGS) and `env` added to this process's
 * environment, in its own process group.
 */
export function startCrashChild(job: CrashJob, args: object, env: Record<string, string> = {}): CrashChild {
  const child = spawn(
    ...tsNode('tests/helpers/crash-child.ts', ['--import', './tests/helpers/crash-preload.mjs']),
    {
      env: { ...process.env, ...env, CRASH_JOB: job, CRASH_ARGS: JSON.stringify(args) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

/**
 * Waits until `reached()` resolves true (polled every 20 ms, at most `limitMs`), then kills the
 * child's whole process group with SIGKILL and waits for it to exit. Throws when the child exited
 * first or the point never came: a drill that missed its point proves nothing.
 */
export async function killWhen(
  c: CrashChild,
  reached: () => Promise<boolean>,
  limitMs = 20_000,
): Promise<void> {
  const exited = new Promise<void>((r) => c.child.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + limitMs;
  for (;;) {
    if (gone) throw new Error(`the child exited before the crash point:\n${c.output()}`);
    if (await reached()) break;
    if (Date.now() > until) {
      process.kill(-c.child.pid!, 'SIGKILL');
      throw new Error(`the crash point was not reached within ${limitMs} ms:\n${c.output()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(-c.child.pid!, 'SIGKILL');
  await exited;
}

/** Waits until the child printed `text` (at most `limitMs`); throws with its output when it exits first. */
export async function untilPrinted(c: CrashChild, text: string, limitMs = 20_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!c.output().includes(text)) {
    if (c.child.exitCode !== null || Date.now() > until)
      throw new Error(`the child did not print ${JSON.stringify(text)}:\n${c.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

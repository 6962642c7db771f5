import { execFileSync } from 'node:child_process';

/**
 * Runs a TypeScript helper with the server's module conditions (so server-only code loads), returns
 * stdout. One Node process with tsx's loader (`node --import tsx`), not the `tsx` command, which puts a
 * launcher process in front of it (0.3 s of CPU per run on this machine). A run past 2 minutes is
 * killed and throws (a synchronous call blocks the worker, so no test timeout could end it).
 */
export function runTsx(
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): string {
  return execFileSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
}

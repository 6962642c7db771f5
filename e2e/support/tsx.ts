import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Runs a TypeScript helper with the server's module conditions (so server-only code loads), returns stdout. */
export function runTsx(
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): string {
  return execFileSync(path.resolve('node_modules/.bin/tsx'), ['--conditions=react-server', script, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

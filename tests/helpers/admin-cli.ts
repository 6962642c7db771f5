import { execFile, execFileSync } from 'node:child_process';

/** What one run of the operator CLI gave: its exit code, stdout and stderr. */
export type AdminRun = { code: number; out: string; err: string };

/** `npm run admin -- <args>`: tsx's loader in one Node process, without the `tsx` command's launcher (e2e/support/tsx.ts). */
const ARGV = ['--conditions=react-server', '--import', 'tsx', 'scripts/admin.ts'];

const options = (stdin: string, extraEnv: Record<string, string>) => ({
  input: stdin,
  encoding: 'utf8' as const,
  stdio: 'pipe' as const,
  env: { ...process.env, ...extraEnv },
  timeout: 120_000,
  killSignal: 'SIGKILL' as const,
});

/**
 * `npm run admin -- <args>` (scripts/admin.ts) as a process, with `stdin` piped in and `extraEnv` over
 * this process's environment; waits for it (at most 120 s, then SIGKILL). Synchronous: this process
 * serves nothing meanwhile, so a command that asks a switch simulator running in this process needs
 * runAdminAsync.
 */
export function runAdmin(args: string[], stdin = '', extraEnv: Record<string, string> = {}): AdminRun {
  try {
    return {
      code: 0,
      out: execFileSync(process.execPath, [...ARGV, ...args], options(stdin, extraEnv)),
      err: '',
    };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout, err: x.stderr };
  }
}

/** runAdmin while this process goes on serving (a switch simulator started by the test, say). */
export function runAdminAsync(
  args: string[],
  stdin = '',
  extraEnv: Record<string, string> = {},
): Promise<AdminRun> {
  const { input, ...rest } = options(stdin, extraEnv);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...ARGV, ...args], rest, (e, out, err) =>
      resolve({ code: e ? Number((e as { code?: unknown }).code ?? 1) : 0, out, err }),
    );
    child.stdin?.end(input);
  });
}

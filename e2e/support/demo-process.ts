import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from '@playwright/test';
import { freeTcpPort } from './ports';

/** A running `npm run demo`: its npm process, its ports, and everything it has printed so far. */
export type DemoProcess = { npm: ChildProcess; port: number; simPort: number; output: () => string };

/**
 * Starts the real demo (`npm run demo`, then `args`: npm → tsx → scripts/demo.ts, which seeds, starts
 * the simulated switch and the portal) on free ports with its own data directory `dataDir`, in a
 * process group of its own as a terminal job runs (`detached`), with `env` over this process's; resolves
 * once its banner says it is running (at most 90 s). For e2e 07 (a new user's first run) and 09 (what a
 * stopped demo leaves behind).
 */
export async function spawnDemo(
  dataDir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<DemoProcess> {
  const [port, simPort] = [await freeTcpPort(), await freeTcpPort()];
  const npm = spawn('npm', ['run', 'demo', ...(args.length ? ['--', ...args] : [])], {
    env: {
      ...process.env,
      PORT: String(port),
      SWITCH_SIM_PORT: String(simPort),
      DEMO_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout!.on('data', (d) => (output += d));
  npm.stderr!.on('data', (d) => (output += d));
  await expect
    .poll(() => output, { timeout: 90_000, message: 'the demo starts' })
    .toContain('Tollgate demo is running');
  return { npm, port, simPort, output: () => output };
}

import { spawnSync } from 'node:child_process';

/** Serialises the installs of every test file and process: only one apt-get runs at a time. */
const LOCK = '/tmp/tollgate-apt.lock';

/**
 * Installs Debian `packages` (apt-get install -y --no-install-recommends, then apt-get update and once
 * more if that failed), for the test helpers that run as root and find a tool missing. Test files run
 * in parallel, and on a new machine several find the same tool missing at once: apt-get refuses a
 * second dpkg while one runs ("Could not get lock /var/lib/dpkg/lock-frontend"), so each call waits for
 * the others on a file lock (flock(1), up to 15 min) and then for dpkg's own lock
 * (`DPkg::Lock::Timeout`). A call that waited finds the packages installed and returns at once.
 * Throws naming the packages when apt-get still fails.
 */
export function aptInstall(packages: readonly string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args: string[]) =>
    spawnSync('flock', ['-w', '900', LOCK, 'apt-get', '-o', 'DPkg::Lock::Timeout=600', ...args], {
      env,
      stdio: 'inherit',
    }).status === 0;
  const install = () => apt('install', '-y', '--no-install-recommends', ...packages);
  if (install()) return;
  apt('update');
  if (!install()) throw new Error(`apt-get could not install ${packages.join(' ')}`);
}

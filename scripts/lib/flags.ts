// The flags of the npm scripts that take few or none (db:migrate, start, demo): read strictly, so a
// typo or an argument meant for another command stops the script before it changes anything.
import { parseArgs } from 'node:util';

/**
 * The process's arguments as boolean flags (`--reset` → `{ reset: true }`), each one of `flags`.
 * Anything else (an unknown option, a value, a positional argument, `--help`) prints
 * `error: …` and `usage`, and exits with code 2 before the script does anything: `npm run
 * db:migrate -- --dry-run` used to apply the migrations, and `npm run demo -- --rest` to keep the old
 * data, each without a word. A flag also counts when npm took it as its own config
 * (`npm run demo --reset`, without `--`, sets `npm_config_reset`).
 */
export function readFlags<F extends string>(
  usage: string,
  flags: readonly F[],
  argv = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Record<F, boolean> {
  let values: Record<string, boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(flags.map((f) => [f, { type: 'boolean' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, boolean | undefined>;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
  return Object.fromEntries(
    flags.map((f) => [f, values[f] === true || env[`npm_config_${f.replace(/-/g, '_')}`] === 'true']),
  ) as Record<F, boolean>;
}

// The operator CLI's options (scripts/admin.ts, CONTRACTS §1), read apart from the process so that
// a unit test reaches every refusal without starting one. Pure: no database, no environment.
import { parseArgs } from 'node:util';

/** Each command's options (all take a value); a command not listed takes none. */
export const ADMIN_OPTIONS = {
  'create-account': ['number', 'name', 'country', 'time-zone', 'phone'],
  'add-sip-credential': ['account', 'username', 'label'],
  'create-user': ['email', 'role', 'account', 'name', 'locale'],
  'reset-second-factor': ['email'],
  'reseal-secrets': [],
} as const;

export type AdminCommand = keyof typeof ADMIN_OPTIONS;

/** True when `name` is one of the CLI's commands. */
export function isAdminCommand(name: string | undefined): name is AdminCommand {
  return name !== undefined && Object.hasOwn(ADMIN_OPTIONS, name);
}

/**
 * `args` (what follows the command) as `{ ok: true, values }`: option name → its text, each option
 * at most once. Refused, `{ ok: false, message }` (one line, for `error: …` and exit code 2): an
 * option `command` does not take (before, one meant for another command was silently ignored), an
 * option given twice (before, the last one silently won: `--name A --name B` made an account named
 * B), an option without its value, or a positional argument. Node's `util.parseArgs` does the
 * reading; the two checks it lacks are here.
 */
export function readAdminArgs(
  command: AdminCommand,
  args: string[],
): { ok: true; values: Record<string, string> } | { ok: false; message: string } {
  const names: readonly string[] = ADMIN_OPTIONS[command];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      tokens: true,
    });
  } catch (e) {
    const unknown = /^Unknown option '([^']+)'/.exec((e as Error).message);
    if (unknown && names.length === 0) return { ok: false, message: `${command} takes no options` };
    if (unknown)
      return {
        ok: false,
        message: `${command} does not take ${unknown[1]} (it takes ${names.map((n) => `--${n}`).join(', ')})`,
      };
    return { ok: false, message: (e as Error).message };
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) return { ok: false, message: `--${t.name} is given more than once: give it once` };
    seen.add(t.name);
  }
  return { ok: true, values: parsed.values as Record<string, string> };
}

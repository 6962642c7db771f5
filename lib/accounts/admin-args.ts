// The operator CLI's commands and options (scripts/admin.ts, CONTRACTS §1), read apart from the
// process so that a unit test reaches every refusal without starting one. Pure: no database, no
// environment.
import { parseArgs } from 'node:util';

/** Each command's options that take a value; a command not listed is no command. */
export const ADMIN_OPTIONS = {
  'create-account': ['number', 'name', 'country', 'time-zone', 'phone'],
  'add-sip-credential': ['account', 'username', 'label'],
  'create-user': ['email', 'role', 'account', 'name', 'locale'],
  'add-member': ['email', 'account'],
  'remove-member': ['email', 'account'],
  'reset-second-factor': ['email', 'reason'],
  'set-password': ['email', 'reason'],
  'reseal-secrets': [],
  'audit-rows': ['email'],
} as const satisfies Record<string, readonly string[]>;

export type AdminCommand = keyof typeof ADMIN_OPTIONS;

/** Each command's flags: options without a value (`--offline`), read as true when given. */
export const ADMIN_FLAGS: Partial<Record<AdminCommand, readonly string[]>> = {
  'create-account': ['offline'],
  'add-sip-credential': ['offline'],
  'remove-member': ['last-member'],
};

/** True when `name` is one of the CLI's commands. */
export function isAdminCommand(name: string | undefined): name is AdminCommand {
  return name !== undefined && Object.hasOwn(ADMIN_OPTIONS, name);
}

/**
 * Whether `args` (what follows `command`) ask for help: `--help` or `-h` where an option may stand,
 * not as the value of the option before it. Not "help" (a value, as in `--username help`), and not a
 * value that happens to read "--help": the usage on stdout with exit 0 read as success to a
 * provisioning script that created nothing (review, session 39). A flag (`--offline`) takes no value,
 * so a `--help` after it asks for help.
 */
export function asksHelp(command: AdminCommand, args: string[]): boolean {
  const flags = ADMIN_FLAGS[command] ?? [];
  const takesValue = (token: string | undefined) =>
    token !== undefined && /^--[^=]+$/.test(token) && !flags.includes(token.slice(2));
  return args.some((a, i) => (a === '--help' || a === '-h') && !takesValue(args[i - 1]));
}

/** The options of a command as read: each option's text, and each flag given (true). */
export type AdminArgs = { values: Record<string, string>; flags: Record<string, boolean> };

/**
 * `args` (what follows `command`) as `{ ok: true, values, flags }`: option name → its text, flag name →
 * true, each at most once. Refused, `{ ok: false, message }` (one line, for `error: …` and exit code
 * 2): an option or flag `command` does not take (before, one meant for another command was silently
 * ignored), one given twice (before, the last one silently won: `--name A --name B` made an account
 * named B), an option without its value, a flag with one (`--offline=yes`), or a positional argument.
 * Node's `util.parseArgs` does the reading; the two checks it lacks are here.
 */
export function readAdminArgs(
  command: AdminCommand,
  args: string[],
): ({ ok: true } & AdminArgs) | { ok: false; message: string } {
  const names: readonly string[] = ADMIN_OPTIONS[command];
  const flags = ADMIN_FLAGS[command] ?? [];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
        ...Object.fromEntries(flags.map((f) => [f, { type: 'boolean' as const }])),
      },
      strict: true,
      tokens: true,
    });
  } catch (e) {
    const all = [...names, ...flags];
    const unknown = /^Unknown option '([^']+)'/.exec((e as Error).message);
    if (unknown && all.length === 0) return { ok: false, message: `${command} takes no options` };
    if (unknown)
      return {
        ok: false,
        message: `${command} does not take ${unknown[1]} (it takes ${all.map((n) => `--${n}`).join(', ')})`,
      };
    return { ok: false, message: (e as Error).message };
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) return { ok: false, message: `--${t.name} is given more than once: give it once` };
    seen.add(t.name);
  }
  const values: Record<string, string> = {};
  const given: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string') values[k] = v;
    else if (v === true) given[k] = true;
  }
  return { ok: true, values, flags: given };
}

// npm run admin -- <command> [options]   (CONTRACTS §1). Plain output; bad input exits non-zero.
import { isAdminCommand, readAdminArgs } from '../lib/accounts/admin-args';
import { ConfigError, envVar } from '../lib/server/env';
import { loadDotEnv } from './lib/dotenv.mjs';

const USAGE = `usage: npm run admin -- <command>
  create-account --number ACC-1001 --name "Acme Dental" [--country US] [--time-zone America/New_York] [--phone "+1 212 555 0100"]
  add-sip-credential --account ACC-1001 --username acme-reception [--label "Reception desk"]
  create-user --email E --role customer|agent|admin [--account ACC-1001] [--name "…"] [--locale en|es|es-AR…]   (password on stdin;
    without --locale: the language of the account's country when the portal speaks it, else en:
    docs/operations.md, "Operator commands")
  reset-second-factor --email E   (a lost authenticator and recovery codes, once support knows who asks:
    removes them, ends the login's sessions and links; the password stays)
  reseal-secrets   (after rotating AUTH_SECRET with AUTH_SECRET_PREVIOUS set: see docs/operations.md)`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter, Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const HELP = new Set(['help', '--help', '-h']);

/**
 * Whether a command's options ask for help: `--help` or `-h` where an option may stand, not as the
 * value of the option before it. Not "help" (a value, as in `--username help`), and not a value that
 * happens to read "--help": the usage on stdout with exit 0 read as success to a provisioning script
 * that created nothing (review, session 39).
 */
const asksHelp = (args: string[]) =>
  args.some((a, i) => (a === '--help' || a === '-h') && !(i > 0 && /^--[^=]+$/.test(args[i - 1]!)));

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [command, ...rest] = argv;
  // Asking for help, or naming no or an unknown command, needs no database: answer before opening one.
  if (command !== undefined && (HELP.has(command) || (isAdminCommand(command) && asksHelp(rest)))) {
    console.log(USAGE);
    return 0;
  }
  if (!isAdminCommand(command)) {
    console.error(command ? `error: unknown command ${command}\n${USAGE}` : USAGE);
    return 2;
  }
  const read = readAdminArgs(command, rest);
  if (!read.ok) {
    console.error(`error: ${read.message}\n${USAGE}`);
    return 2;
  }
  const values: Record<string, string | undefined> = read.values;
  try {
    envVar('DATABASE_URL'); // named and explained here, not as a stack trace from the client
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`error: ${e.problems.join('; ')}`);
    return 1;
  }
  // The commands and the database client load only now: help and usage errors answer without them
  // (`--help`: 1.2 s of CPU instead of 2.5 s, measured with /usr/bin/time on this 2-core machine).
  const [
    { addSipCredential, CommandError, createAccount, createUser, resealSecrets, resetSecondFactor },
    { getDb },
  ] = await Promise.all([import('../lib/accounts/commands'), import('../lib/server/db')]);
  const db = getDb();
  try {
    if (command === 'create-account') {
      const a = await createAccount(db, {
        number: values.number,
        name: values.name,
        country: values.country,
        timeZone: values['time-zone'],
        phone: values.phone,
      });
      console.log(`created account ${a.number}`);
    } else if (command === 'add-sip-credential') {
      const c = await addSipCredential(db, {
        account: values.account,
        username: values.username,
        label: values.label,
      });
      console.log(`added SIP credential ${c.username}`);
    } else if (command === 'create-user') {
      // By lib/server/env.ts's rule and schema: blank = the default (3); a bad value stops here, before
      // the password is read or anything is written.
      const minScore = envVar('PASSWORD_MIN_SCORE');
      const u = await createUser(
        db,
        {
          email: values.email,
          role: values.role,
          account: values.account,
          name: values.name,
          locale: values.locale,
          password: await readStdin(),
        },
        minScore,
      );
      console.log(`created user ${u.email} (${u.role}), language ${u.locale}`);
    } else if (command === 'reset-second-factor') {
      const r = await resetSecondFactor(db, { email: values.email });
      console.log(`reset the second factor of ${r.email}; ${r.sessionsEnded} session(s) ended`);
    } else if (command === 'reseal-secrets') {
      const r = await resealSecrets(db);
      console.log(`re-sealed ${r.resealed} TOTP secret(s); ${r.current} already current`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CommandError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof ConfigError) {
      console.error(`error: ${e.problems.join('; ')}`);
      return 1;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));

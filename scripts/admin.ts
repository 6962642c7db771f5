// npm run admin -- <command> [options]   (CONTRACTS §1). Plain output; bad input exits non-zero.
import { ConfigError, envVar } from '../lib/server/env';
import { asksHelp, isAdminCommand, readAdminArgs } from '../lib/accounts/admin-args';
import { loadDotEnv } from './lib/dotenv.mjs';
import { PasswordEntryError, readPassword } from './lib/read-password';

const USAGE = `usage: npm run admin -- <command>
  create-account --number ACC-1001 --name "Acme Dental" [--country US] [--time-zone America/New_York] [--phone "+1 212 555 0100"] [--offline]
    (asks the switch about the number first when SWITCH_API_URL and SWITCH_API_TOKEN are set: one it
    does not know, or no answer, is still created, with a warning on stderr; --offline does not ask)
  add-sip-credential --account ACC-1001 --username acme-reception [--label "Reception desk"] [--offline]
    (asks the switch about the username the same way: one it does not know is still added, with a
    warning; --offline does not ask)
  create-user --email E --role customer|agent|admin [--account ACC-1001] [--name "…"] [--locale en|es|es-AR…]
    (password on stdin, or at a terminal typed twice and not shown; --locale is the user's language
    until they change it; without it, the language of the account's country when the portal speaks
    it, else en, until the user's browser or own choice says otherwise: docs/operations.md,
    "The language of a new login")
  add-member --email E --account ACC-1002   (an existing customer login joins one more account)
  remove-member --email E --account ACC-1002 [--last-member]   (it leaves that account only; the
    account's last member only with --last-member)
  reset-second-factor --email E --reason "…"   (a lost authenticator and recovery codes, once support
    knows who asks: removes them, ends the login's sessions and links; the password stays; the reason,
    5 to 500 characters, is kept in the audit log)
  set-password --email E [--reason "…"]   (a login's portal password: on stdin, or at a terminal typed
    twice and not shown; ends the login's sessions and links, mails its owner that an operator set it;
    for a login npm start refuses because it accepts the password the README publishes for a demo
    login; a reason, 5 to 500 characters, is kept in the audit log, not mailed)
  reseal-secrets   (after rotating AUTH_SECRET with AUTH_SECRET_PREVIOUS set: see docs/operations.md)
  audit-rows --email E   (read only: every audit row about that person, as JSON on stdout: their
    login's own, the sign-ins tried with the address, and those about their login; for a request
    under GDPR Art. 15: docs/operations.md, "Retention")`;

const HELP = new Set(['help', '--help', '-h']);

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const [command, ...rest] = argv;
  // Asking for help, or naming no or an unknown command, needs no database: answer before opening one.
  if (command !== undefined && (HELP.has(command) || (isAdminCommand(command) && asksHelp(command, rest)))) {
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
  const flags = read.flags;
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
    {
      addMember,
      addSipCredential,
      CommandError,
      createAccount,
      createUser,
      notOfferedText,
      removeMember,
      resealSecrets,
      resetSecondFactor,
      setPassword,
    },
    { getDb },
    { createSwitchClient },
    { auditRowsOf },
  ] = await Promise.all([
    import('../lib/accounts/commands'),
    import('../lib/server/db'),
    import('../lib/switch/client'),
    import('../lib/ops/audit-rows'),
  ]);
  const db = getDb();
  try {
    // create-account and add-sip-credential ask the switch, with the switch's variables by the portal's
    // own rules (--offline, or both unset: not asked, as CONTRACTS §1's plain commands; one of the two
    // set is a ConfigError naming the other). Its failures are in the command's warning: the client's
    // own log would put JSON on stdout.
    const unset = !process.env.SWITCH_API_URL && !process.env.SWITCH_API_TOKEN;
    const askSwitch = () => {
      if (flags.offline || unset) return undefined;
      const baseUrl = envVar('SWITCH_API_URL');
      const client = createSwitchClient({
        baseUrl,
        token: envVar('SWITCH_API_TOKEN'),
        timeoutMs: envVar('SWITCH_API_TIMEOUT_MS'),
        log: () => {},
      });
      return { client, baseUrl };
    };
    const notAsked = flags.offline
      ? ' without asking the switch (--offline)'
      : ' without asking the switch (SWITCH_API_URL is not set)';
    if (command === 'create-account') {
      const a = await createAccount(
        db,
        {
          number: values.number,
          name: values.name,
          country: values.country,
          timeZone: values['time-zone'],
          phone: values.phone,
        },
        askSwitch(),
      );
      const said = {
        allowed: '',
        blocked:
          `; blocked on the switch (${a.switchReason ?? 'no reason given'}): the portal's reconciler shows ` +
          'the block at its next pass and mails its notice to the members the account has by then',
        not_found: '',
        unknown: '',
        not_asked: notAsked,
      }[a.onSwitch];
      if (a.warning) console.error(`warning: ${a.warning}`);
      console.log(`created account ${a.number}${said}`);
    } else if (command === 'add-member' || command === 'remove-member') {
      const raw = { email: values.email, account: values.account };
      if (command === 'add-member') {
        const m = await addMember(db, raw);
        // The block notices the newcomer is sent (a block in force on the account), so the operator
        // knows the member will hear of it by mail, not only on the dashboard.
        const notices = m.noticesQueued
          ? `; ${m.noticesQueued} block notice${m.noticesQueued === 1 ? '' : 's'} queued to them (a block is in force)`
          : '';
        console.log(
          m.changed
            ? `added ${m.email} to ${m.account}${notices}`
            : `${m.email} is already a member of ${m.account}`,
        );
      } else {
        const m = await removeMember(db, { ...raw, lastMember: flags['last-member'] === true });
        console.log(
          m.changed
            ? `removed ${m.email} from ${m.account}; ${m.membersLeft} member(s) left`
            : `${m.email} is not a member of ${m.account}`,
        );
      }
    } else if (command === 'add-sip-credential') {
      const c = await addSipCredential(
        db,
        { account: values.account, username: values.username, label: values.label },
        askSwitch(),
      );
      if (c.warning) console.error(`warning: ${c.warning}`);
      console.log(`added SIP credential ${c.username}${c.onSwitch === 'not_asked' ? notAsked : ''}`);
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
          // Asked for once the other arguments and the database's checks have passed.
          password: () => readPassword(),
        },
        minScore,
      );
      // Whether a browser will replace the language (lib/accounts/commands.ts createUser): the operator
      // who gave --locale, and the one who did not, each learn which they got; for an account whose
      // country's language the portal does not speak (BR: Portuguese), that it is not offered.
      const replaced = "the user's browser or own choice replaces it";
      const source = {
        operator: 'set by the operator: it stays until the user changes it',
        country: `from the account's country: ${replaced}`,
        default: `by default${u.countryLanguage ? ` (${notOfferedText(u.countryLanguage)})` : ''}: ${replaced}`,
      }[u.localeSource];
      console.log(`created user ${u.email} (${u.role}), language ${u.locale}, ${source}`);
    } else if (command === 'set-password') {
      // As create-user: PASSWORD_MIN_SCORE by lib/server/env.ts's rule, read before the password is.
      const minScore = envVar('PASSWORD_MIN_SCORE');
      const r = await setPassword(
        db,
        {
          email: values.email,
          reason: values.reason,
          password: () => readPassword(undefined, undefined, 'nothing was changed'),
        },
        minScore,
      );
      console.log(`set the password of ${r.email}; ${r.sessionsEnded} session(s) ended`);
    } else if (command === 'reset-second-factor') {
      const r = await resetSecondFactor(db, { email: values.email, reason: values.reason });
      console.log(`reset the second factor of ${r.email}; ${r.sessionsEnded} session(s) ended`);
    } else if (command === 'audit-rows') {
      console.log(JSON.stringify(await auditRowsOf(db, { email: values.email }), null, 2));
    } else if (command === 'reseal-secrets') {
      const r = await resealSecrets(db);
      console.log(`re-sealed ${r.resealed} TOTP secret(s); ${r.current} already current`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CommandError || e instanceof PasswordEntryError) {
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

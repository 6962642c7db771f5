// npm start — the production server: validate configuration, apply pending migrations, serve.
// No demo data, no simulator, no dev mailbox.
import { ConfigError, parseEnv, type Env } from '../lib/server/env';
import { migrate } from '../lib/server/db/migrate';
import { getDb } from '../lib/server/db';
import { publishedDemoLogins, publishedLoginsRefusal } from '../lib/demo/published';
import { loadDotEnv } from './lib/dotenv.mjs';
import { createSupervisor, startNext } from './lib/supervisor';
import { readFlags } from './lib/flags';

async function main() {
  readFlags('npm start', []);
  loadDotEnv();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', TOLLGATE_DEMO: '0' };
  let config: Env;
  try {
    config = parseEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(
        `${e.message}\nSet these in the environment (or .env) and start again. See README, "Configuration".`,
      );
      process.exit(1);
    }
    throw e;
  }
  // A database a newer release migrated is served (migrate logs a warning naming what it does not know):
  // an instance of the old release restarting mid-rollout, or a rollback, must start (docs/operations.md).
  const r = await migrate(env.DATABASE_URL!);
  console.log(
    r.applied.length
      ? `Applied migrations: ${r.applied.join(', ')}`
      : r.unknown.length
        ? 'Database is ahead of this version: nothing to apply.'
        : 'Database is up to date.',
  );
  // A database the demo seeded has logins whose passwords the README and CONTRACTS §5 publish: served
  // in production, anyone could sign in as a customer and send SIP password changes to the switch. So
  // has an operator's own database where they made a demo login with its password (the refusal names
  // the logins and the command that changes their passwords).
  const exposed = await publishedDemoLogins(getDb());
  await getDb().$disconnect();
  if (exposed.length) {
    console.error(publishedLoginsRefusal(exposed));
    process.exit(1);
  }
  // JSON log lines pass through unchanged: an operator's log shipper reads them.
  // PORT and HOST by parseEnv's rule: blank means the default (3000, localhost), never port 0 on every
  // interface; a value that is no port is refused above with its name.
  startNext(createSupervisor({ pretty: false }), env, config.PORT, config.HOST);
}

main().catch((e: Error) => {
  console.error(`Tollgate did not start: ${e.message}`);
  process.exit(1);
});

// npm start — the production server: validate configuration, apply pending migrations, serve.
// No demo data, no simulator, no dev mailbox.
import { ConfigError, parseEnv } from '../lib/server/env';
import { migrate } from '../lib/server/db/migrate';
import { loadDotEnv } from './lib/dotenv';
import { createSupervisor, startNext } from './lib/supervisor';

async function main() {
  loadDotEnv();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', TOLLGATE_DEMO: '0' };
  try {
    parseEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(
        `${e.message}\nSet these in the environment (or .env) and start again. See README, "Configuration".`,
      );
      process.exit(1);
    }
    throw e;
  }
  const r = await migrate(env.DATABASE_URL!);
  console.log(r.applied.length ? `Applied migrations: ${r.applied.join(', ')}` : 'Database is up to date.');
  // JSON log lines pass through unchanged: an operator's log shipper reads them.
  startNext(
    createSupervisor({ pretty: false }),
    env,
    Number(process.env.PORT ?? 3000),
    process.env.HOST ?? 'localhost',
  );
}

main().catch((e: Error) => {
  console.error(`Tollgate did not start: ${e.message}`);
  process.exit(1);
});

// npm run db:migrate — applies pending migrations to DATABASE_URL.
import { migrate } from '../lib/server/db/migrate';
import { loadDotEnv } from './lib/dotenv.mjs';
import { readFlags } from './lib/flags';

readFlags('npm run db:migrate', []);
loadDotEnv();
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set (file:./data/tollgate.db or postgresql://…)');
  process.exit(2);
}
migrate(url)
  .then((r) =>
    console.log(
      r.applied.length
        ? `Applied ${r.applied.join(', ')}`
        : `Database is up to date (${r.skipped} migrations).`,
    ),
  )
  .catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });

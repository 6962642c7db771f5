// Run by the email journeys through runTsx: small changes to the e2e database that a browser cannot make.
import { getDb } from '@/lib/db';

async function main() {
  const [command, email] = process.argv.slice(2);
  const db = getDb();
  if (command === 'expire-links') {
    // As if a day had passed: every sign-in link of this address has expired.
    const r = await db.verificationToken.updateMany({ where: { identifier: email }, data: { expires: new Date(Date.now() - 60_000) } });
    process.stdout.write(String(r.count));
  } else {
    throw new Error(`unknown command ${command}`);
  }
  await db.$disconnect();
}

main().then(() => process.exit(0));

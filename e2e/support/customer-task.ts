// Run by journeys through runTsx: a customer of their own (account, SIP credential, login), so a
// journey does not depend on demo data or on another file. Prints the ids as JSON.
import { hashPassword } from '@/lib/auth/password';
import { getDb } from '@/lib/server/db';

async function main() {
  const [number, name, username, email, password, timeZone = 'Europe/Madrid', country = 'ES'] =
    process.argv.slice(2);
  const db = getDb();
  const account = await db.customerAccount.create({ data: { number, name, country, timeZone } });
  const credential = await db.sipCredential.create({
    data: { accountId: account.id, username, label: 'Centralita' },
  });
  const user = await db.user.create({
    data: { email, passwordHash: await hashPassword(password), role: 'customer', timeZone },
  });
  await db.membership.create({ data: { userId: user.id, accountId: account.id } });
  process.stdout.write(
    JSON.stringify({ accountId: account.id, credentialId: credential.id, userId: user.id }),
  );
  await db.$disconnect();
}

main().then(() => process.exit(0));

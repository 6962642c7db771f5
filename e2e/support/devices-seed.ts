// Run by e2e/support/devices.ts through runTsx: one customer account for one journey of
// e2e/12-devices.spec.ts, made through the operator commands (CONTRACTS §1), as an operator would.
import { addSipCredential, createAccount, createUser } from '@/lib/accounts/commands';
import { getDb } from '@/lib/server/db';

type Spec = {
  number: string;
  name: string;
  country: string;
  email: string;
  password: string;
  credentials: { username: string; label: string }[];
};

async function main() {
  const spec = JSON.parse(process.argv[2]!) as Spec;
  const db = getDb();
  await createAccount(db, {
    number: spec.number,
    name: spec.name,
    country: spec.country,
    timeZone: 'America/New_York',
  });
  for (const c of spec.credentials) await addSipCredential(db, { account: spec.number, ...c });
  await createUser(db, {
    email: spec.email,
    role: 'customer',
    account: spec.number,
    password: spec.password,
  });
  await db.$disconnect();
}

main().then(() => process.exit(0));

import crypto from 'node:crypto';
import { Secret } from 'otpauth';
import { E2E } from './env';
import { rememberSecret } from './secrets';
import { sim } from './sim';

// Per-test data for the journeys (model: the Epic Stack's tests/db-utils.ts): every call makes new rows
// with names no other test uses, in the portal's database and on the simulated switch, so a journey
// runs alone, in any order and in any shard. Nothing is cleaned up: a fresh database per run (global
// setup) is the clean-up, and unique names keep tests from seeing each other's rows meanwhile.

type Reason = 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
type Role = 'customer' | 'agent' | 'admin';

/** What ./factory-writer.ts writes (posted to ./factory-server.ts as JSON). Times are ISO strings. */
export type FactoryPlan = {
  accounts?: {
    number: string;
    name: string;
    country: string;
    timeZone: string;
    phone?: string;
    credentials: { username: string; label: string }[];
    block: {
      reason: Reason;
      placedAt: string;
      calls: { at: string; from: string; to: string; sourceIp: string; durationSec: number }[];
    } | null;
  }[];
  users?: {
    email: string;
    name: string;
    password: string;
    role: Role;
    accounts: string[];
    timeZone?: string;
    totpSecret?: string;
  }[];
  misdials?: {
    by: string;
    account: string;
    intendedNumber: string;
    whatHappened: string;
    callbackPhone: string;
  }[];
  /** Block ids of accounts written by an earlier plan, by account number (for misdials). */
  knownBlocks?: Record<string, string | null>;
};
/** What it prints: ids by account number and email; block ids by account number; requests in plan order. */
export type FactoryResult = {
  accounts: Record<string, { id: string; credentials: Record<string, string> }>;
  users: Record<string, string>;
  blocks: Record<string, string>;
  requests: { id: string; blockId: string }[];
};

export type TestCredential = { id: string; username: string; label: string; password: string };
export type TestAccount = {
  id: string;
  number: string;
  name: string;
  credentials: TestCredential[];
  blockId: string | null;
};
export type TestUser = { id: string; email: string; password: string; role: Role; totpSecret?: string };

/** A trigger call: `from` is the index of the account's credential that made it (default 0). */
export type CallSpec = {
  from?: number;
  to: string;
  sourceIp: string;
  durationSec?: number;
  secondsBefore?: number;
  at?: string;
};
export type AccountSpec = {
  /** Shown name; a unique suffix is appended (e.g. "Acme Dental 3f9a2c1d"). */
  name: string;
  country?: string;
  timeZone?: string;
  phone?: string;
  /** Credentials as label and username stem; each gets a unique username and a known initial SIP password. */
  credentials?: { label: string; stem?: string; password?: string }[];
  /** A switch-placed block in force, with its trigger calls; absent: international calling allowed. */
  block?: { reason?: Reason; minutesAgo?: number; placedAt?: string; calls: CallSpec[] };
};

/** Eight hex characters no other test has, for names, emails and usernames. */
export const uniqueId = () => crypto.randomBytes(4).toString('hex');
/** An account number no other test has: digits only, so both the switch's and the admin CLI's patterns accept it. */
const accountNumber = () => `ACC-5${String(crypto.randomInt(100_000_000)).padStart(8, '0')}`;
/** The portal's own way of naming an account in headings and lists: "Acme Dental (ACC-1001)". */
export const accountLabel = (a: TestAccount) => `${a.name} (${a.number})`;
/** A RegExp for text that contains `s` literally. */
export const literally = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

function planAccount(spec: AccountSpec) {
  const id = uniqueId();
  const number = accountNumber();
  const creds = (spec.credentials ?? [{ label: 'Office PBX', stem: 'pbx' }]).map((c, i) => ({
    username: `${c.stem ?? `sip${i}`}-${id}`,
    label: c.label,
    password: c.password ?? `initial-${crypto.randomBytes(6).toString('hex')}`,
  }));
  const placedAt = spec.block
    ? new Date(spec.block.placedAt ?? Date.now() - (spec.block.minutesAgo ?? 30) * 60_000)
    : null;
  const block =
    spec.block && placedAt
      ? {
          reason: spec.block.reason ?? 'high_risk_destination',
          placedAt: placedAt.toISOString(),
          calls: spec.block.calls.map((c) => ({
            at: c.at ?? new Date(placedAt.getTime() - (c.secondsBefore ?? 30) * 1000).toISOString(),
            from: creds[c.from ?? 0].username,
            to: c.to,
            sourceIp: c.sourceIp,
            durationSec: c.durationSec ?? 0,
          })),
        }
      : null;
  return {
    number,
    name: `${spec.name} ${id}`,
    country: spec.country ?? 'US',
    timeZone: spec.timeZone ?? 'America/New_York',
    phone: spec.phone,
    creds,
    block,
  };
}

function planUser(
  role: Role,
  accounts: string[],
  o: { timeZone?: string; totp?: boolean; stem?: string; name?: string } = {},
) {
  const id = uniqueId();
  const user = {
    email: `${o.stem ?? role}-${id}@e2e.example`,
    name: o.name ?? `${role[0].toUpperCase()}${role.slice(1)} ${id}`,
    password: `e2e-${role}-${crypto.randomBytes(8).toString('hex')}`,
    role,
    accounts,
    timeZone: o.timeZone,
    totpSecret: role !== 'customer' || o.totp ? new Secret({ size: 20 }).base32 : undefined,
  };
  rememberSecret(user.password);
  if (user.totpSecret) rememberSecret(user.totpSecret);
  return user;
}

/** Has ./factory-server.ts (started by global setup) write `plan`; throws with its message when refused. */
async function runPlan(plan: FactoryPlan): Promise<FactoryResult> {
  const res = await fetch(`http://127.0.0.1:${E2E.factoryPort}/plan`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(plan),
  });
  if (!res.ok) throw new Error(`e2e factory: ${await res.text()}`);
  return (await res.json()) as FactoryResult;
}

/** Writes a plan in the e2e database (./factory-server.ts) after giving the switch the same accounts. */
async function apply(
  accounts: ReturnType<typeof planAccount>[],
  users: ReturnType<typeof planUser>[],
  misdials: FactoryPlan['misdials'] = [],
) {
  // The switch first: the portal's reconciler must never see an account the switch does not know.
  for (const a of accounts) {
    for (const c of a.creds) rememberSecret(c.password);
    await sim(`/_sim/accounts/${a.number}`, {
      method: 'PUT',
      body: {
        internationalCalling: a.block ? 'blocked' : 'allowed',
        reason: a.block?.reason ?? null,
        blockedAt: a.block?.placedAt ?? null,
        credentials: a.creds.map((c) => ({ username: c.username, password: c.password })),
      },
    });
  }
  const plan: FactoryPlan = {
    accounts: accounts.map((a) => ({
      number: a.number,
      name: a.name,
      country: a.country,
      timeZone: a.timeZone,
      phone: a.phone,
      credentials: a.creds.map(({ username, label }) => ({ username, label })),
      block: a.block,
    })),
    users: users.map(({ email, name, password, role, accounts: acc, timeZone, totpSecret }) => ({
      email,
      name,
      password,
      role,
      accounts: acc,
      timeZone,
      totpSecret,
    })),
    misdials,
  };
  const out = await runPlan(plan);
  const testAccounts: TestAccount[] = accounts.map((a) => ({
    id: out.accounts[a.number].id,
    number: a.number,
    name: a.name,
    blockId: out.blocks[a.number] ?? null,
    credentials: a.creds.map((c) => ({
      id: out.accounts[a.number].credentials[c.username],
      username: c.username,
      label: c.label,
      password: c.password,
    })),
  }));
  const testUsers: TestUser[] = users.map((u) => ({
    id: out.users[u.email],
    email: u.email,
    password: u.password,
    role: u.role,
    totpSecret: u.totpSecret,
  }));
  return { accounts: testAccounts, users: testUsers, requests: out.requests };
}

/** New customer accounts (with credentials, and a block if asked), and no member. */
export async function createAccounts(...specs: AccountSpec[]): Promise<TestAccount[]> {
  return (await apply(specs.map(planAccount), [])).accounts;
}

/**
 * A new customer who is the only member of new accounts made from `specs`, in one step.
 * `timeZone`: the user's saved zone (default: follow the browser); `totp`: enrolled in the second factor;
 * `name`: the person's name (default "Customer" and the test's unique id; a name the test searches by
 * must be one no other spec gives).
 */
export async function createCustomer(
  specs: AccountSpec[],
  o: { timeZone?: string; totp?: boolean; stem?: string; name?: string } = {},
): Promise<{ user: TestUser; accounts: TestAccount[] }> {
  const accounts = specs.map(planAccount);
  const r = await apply(accounts, [
    planUser(
      'customer',
      accounts.map((a) => a.number),
      o,
    ),
  ]);
  return { user: r.users[0], accounts: r.accounts };
}

/** A new customer who is a member of existing accounts (e.g. a second member of a test's account). */
export async function createMember(
  accounts: TestAccount[],
  o: { timeZone?: string; totp?: boolean } = {},
): Promise<TestUser> {
  return (
    await apply(
      [],
      [
        planUser(
          'customer',
          accounts.map((a) => a.number),
          o,
        ),
      ],
    )
  ).users[0];
}

/** A new staff login (agent or admin) enrolled in the second factor with its own TOTP secret. */
export async function createStaff(
  role: 'agent' | 'admin',
  o: { timeZone?: string } = {},
): Promise<TestUser & { totpSecret: string }> {
  return (await apply([], [planUser(role, [], o)])).users[0] as TestUser & { totpSecret: string };
}

/**
 * A pending misdial request by `customer` on `account`'s block, through the same domain function as the
 * form (all the block's calls chosen). Returns the request and block ids.
 */
export async function createMisdial(
  customer: TestUser,
  account: TestAccount,
  fields: { intendedNumber: string; whatHappened: string; callbackPhone: string },
): Promise<{ id: string; blockId: string }> {
  const plan: FactoryPlan = {
    misdials: [{ by: customer.email, account: account.number, ...fields }],
    knownBlocks: { [account.number]: account.blockId },
  };
  return (await runPlan(plan)).requests[0];
}

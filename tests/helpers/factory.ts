import crypto from 'node:crypto';
import { uniqueEmail } from './unique';
import { getDb } from '@/lib/server/db';
import type { CurrentUser } from '@/lib/auth/session';
import { encryptSecret } from '@/lib/auth/totp';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';
import type { firewallSchema } from '@/lib/requests/submit';
import type { z } from 'zod';
import type { BlockReason } from '@/lib/generated/sqlite/enums';

/**
 * Test data: an account with members and SIP credentials. Its number (and the default member address
 * and usernames) take 12 random digits: with 6, two of the thousands of accounts a run makes in one
 * shared database met now and then ("Unique constraint failed on the fields: (`number`)", CI85).
 */
export async function makeAccount(opts: { members?: string[]; credentials?: string[] } = {}) {
  const db = getDb();
  const n = crypto.randomInt(10 ** 11, 10 ** 12);
  const account = await db.customerAccount.create({ data: { number: `ACC-${n}`, name: `Test Co ${n}` } });
  const users = [];
  for (const email of opts.members ?? [`member-${n}@test.example`]) {
    const user = await db.user.create({ data: { email, role: 'customer' } });
    await db.membership.create({ data: { userId: user.id, accountId: account.id } });
    users.push(user);
  }
  const creds = [];
  for (const u of opts.credentials ?? [`sip-${n}-a`, `sip-${n}-b`])
    creds.push(await db.sipCredential.create({ data: { accountId: account.id, username: u, label: u } }));
  return { account, users, creds };
}

/** Decides a lift of these blocks through the lifecycle, as staff would (every open block must be listed). */
export async function decideLift(
  blocks: { id: string; accountId: string }[],
  actor = 'test',
  reason = 'test lift',
) {
  const { requestLift } = await import('@/lib/blocks/lifecycle');
  return getDb().$transaction((tx) =>
    requestLift(tx, {
      accountId: blocks[0].accountId,
      blockIds: blocks.map((b) => b.id),
      actor,
      reason,
      by: 'staff',
    }),
  );
}

/**
 * A staff login for tests that call lib functions directly: a User row (role, locale, TOTP enrolled)
 * and the `CurrentUser` a verified session would give. `mfaVerified: false` is a session that has not
 * passed the second factor yet.
 */
export async function makeStaff(
  opts: { role?: 'agent' | 'admin'; locale?: 'en' | 'es'; mfaVerified?: boolean } = {},
): Promise<CurrentUser> {
  const { role = 'agent', locale = 'en', mfaVerified = true } = opts;
  const u = await getDb().user.create({
    data: { email: uniqueEmail(role, 'staff.example'), role, totpEnabledAt: new Date(), locale },
  });
  return asUser(u, { role, mfaVerified });
}

/** One call the switch blocked; every field but the SIP username has a default (see makeBlock). */
export type CallSeed = {
  sipUsername: string;
  to?: string;
  sourceIp?: string;
  durationSec?: number;
  at?: Date;
};

/**
 * Test data: a block on `accountId` as the switch's block event leaves it (status active), written
 * straight to the tables (tests only; the portal writes blocks through lib/blocks/lifecycle.ts).
 * Defaults: reason high_risk_destination, placed now by `switch`, known to the portal (`createdAt`,
 * its own clock) from `placedAt` on, as when the event arrived at once; one trigger call per entry
 * of `calls` (none by default), to +252611234567 from 203.0.113.9, 0 s, at `placedAt`.
 * Returns the Block row with its calls.
 */
export async function makeBlock(
  accountId: string,
  opts: {
    reason?: BlockReason;
    placedAt?: Date;
    createdAt?: Date;
    placedBy?: string;
    calls?: CallSeed[];
  } = {},
) {
  const { reason = 'high_risk_destination', placedAt = new Date(), placedBy = 'switch', calls = [] } = opts;
  return getDb().block.create({
    data: {
      accountId,
      reason,
      placedAt,
      createdAt: opts.createdAt ?? placedAt,
      placedBy,
      calls: {
        create: calls.map((c) => ({
          at: c.at ?? placedAt,
          sipUsername: c.sipUsername,
          to: c.to ?? '+252611234567',
          sourceIp: c.sourceIp ?? '203.0.113.9',
          durationSec: c.durationSec ?? 0,
        })),
      },
    },
    include: { calls: true },
  });
}

/**
 * The CurrentUser a signed-in session would give `u`, for tests that call lib functions directly:
 * the row's time zone and language (else UTC, English). A customer has no second factor; a staff
 * session has passed it. `opts` overrides any field, e.g. `sessionId` (the session the user acts
 * from: only a password change looks at it) or `mfaVerified: false` (not past the second factor yet).
 */
export function asUser(
  u: { id: string; email: string; timeZone?: string; locale?: string },
  opts: Partial<Omit<CurrentUser, 'id' | 'email'>> = {},
): CurrentUser {
  const staff = (opts.role ?? 'customer') !== 'customer';
  return {
    id: u.id,
    email: u.email,
    name: null,
    role: 'customer',
    timeZone: u.timeZone ?? 'UTC',
    locale: u.locale ?? 'en',
    sessionId: 'test',
    mfaEnrolled: staff,
    mfaVerified: staff,
    ...opts,
  };
}

/** asUser for a customer (no second factor). */
export const asCustomer = (u: { id: string; email: string }, sessionId = 'test') => asUser(u, { sessionId });

/**
 * An account blocked in Tollgate and on the switch simulator `sim` (home country US), with one
 * member: `{ account, block, member }`, the member as a signed-in customer.
 */
export async function makeBlockedOnSwitch(sim: {
  control(method: string, path: string, body?: unknown): Promise<unknown>;
}) {
  const { account, users } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    credentials: [],
  });
  // Found a minute ago: a block.placed a test delivers now is a new block. Placed "now", a block whose
  // time fell on a whole second (1 run in 1000) read as the one a switch writing whole seconds dates
  // in that second (lib/blocks/lifecycle.ts foundByReconciler), and the event joined it.
  const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
  return { account, block, member: asCustomer(users[0]) };
}

/**
 * Test data: a pending misdial unblock request on `block` (a Block row: its id and accountId) from
 * `submittedById`, written straight to the table as submitMisdial leaves it (open, keyed by the
 * block). Defaults: a typo story and callback +12025550143, no intended number, created now;
 * `opts` sets any of them. Returns the UnblockRequest row.
 */
export function makeRequest(
  block: { id: string; accountId: string },
  submittedById: string,
  opts: { whatHappened?: string; intendedNumber?: string; callbackPhone?: string; createdAt?: Date } = {},
) {
  return getDb().unblockRequest.create({
    data: {
      blockId: block.id,
      accountId: block.accountId,
      kind: 'misdial',
      openKey: block.id,
      submittedById,
      whatHappened: 'We dialled 00252 instead of 0252.',
      callbackPhone: '+12025550143',
      ...opts,
    },
  });
}

/**
 * Test data: a live Session row of user `userId` (an hour), as Auth.js writes one at sign-in; passed
 * its second factor when `mfaVerified`. Returns the row.
 */
export function makeSession(userId: string, opts: { mfaVerified?: boolean } = {}) {
  return getDb().session.create({
    data: {
      sessionToken: crypto.randomUUID(),
      userId,
      expires: new Date(Date.now() + 3600_000),
      ...(opts.mfaVerified ? { mfaVerifiedAt: new Date() } : {}),
    },
  });
}

/** A TOTP secret (base32, RFC 6238) for the test users enrolled in the second factor. */
export const TOTP_SECRET = 'KRUGS4ZANFZSAYLOEBSWIZ3FEBZWKY3SMV2A';

/**
 * Test data: a user of `role` with one live session (an hour), enrolled in TOTP with `secret` (base32)
 * when given, and the CurrentUser acting from that session, which has not passed the second factor
 * unless `mfaVerified`. Returns `{ u, s, me }`: the User row, the Session row and the CurrentUser.
 */
export async function makeUserWithSession(
  role: 'customer' | 'agent',
  opts: { secret?: string; mfaVerified?: boolean } = {},
) {
  const { secret, mfaVerified = false } = opts;
  const db = getDb();
  const u = await db.user.create({
    data: {
      email: uniqueEmail('mfa'),
      role,
      ...(secret ? { totpSecret: encryptSecret(secret), totpEnabledAt: new Date() } : {}),
    },
  });
  const s = await makeSession(u.id);
  const me = asUser(u, { role, sessionId: s.id, mfaEnrolled: !!secret, mfaVerified });
  return { u, s, me };
}

/**
 * A firewall request's form for `blockId` as a customer files it: every door confirmed, the PBX at
 * 198.51.100.20, no story, callback +1 202 555 0143 unless `callbackPhone` is given.
 */
export const firewallForm = (blockId: string, callbackPhone = '+1 202 555 0143') =>
  ({
    blockId,
    ...Object.fromEntries(FIREWALL_CHECKS.map((k) => [k, 'on'])),
    pbxIp: '198.51.100.20',
    whatHappened: '',
    callbackPhone,
  }) as z.output<typeof firewallSchema>;

/**
 * A customer whose second factor is locked (20 wrong codes; lib/auth/mfa/lockout.ts), as one member of
 * a new account, with the lock's own mail queued and not yet sent. Returns the user and that mail.
 */
export async function makeLockedUser(email: string) {
  const db = getDb();
  const { users } = await makeAccount({ members: [email] });
  const user = await db.user.update({
    where: { id: users[0].id },
    data: { totpEnabledAt: new Date(), totpFailures: 20, totpLockedAt: new Date() },
  });
  const { queueMail } = await import('@/lib/mail/queue');
  await db.$transaction((tx) => queueMail(tx, email, 'mfa_locked', { userId: user.id }));
  const lockMail = await db.mailMessage.findFirstOrThrow({ where: { to: email, template: 'mfa_locked' } });
  return { user, lockMail };
}

/**
 * An account blocked in Tollgate and on the switch `sim` (the simulator's control API), with a
 * pending misdial request from its member: `{ account, block, request, member }`.
 */
export async function blockedWithRequest(sim: {
  control(method: string, path: string, body?: unknown): Promise<unknown>;
}) {
  const { account, users, creds } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    credentials: [],
  });
  const block = await makeBlock(account.id, { calls: [{ sipUsername: creds[0].username }] });
  const request = await makeRequest(block, users[0].id, { intendedNumber: '+12526112345' });
  return { account, block, request, member: users[0] };
}

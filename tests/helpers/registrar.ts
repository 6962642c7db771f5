import crypto from 'node:crypto';
import { createSwitchClient } from '@/lib/switch/client';
import { makeAccount } from '@/tests/helpers/factory';
import { TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// An account blocked on the switch simulator, its SIP credentials registered from the addresses a
// test names: the set-up of the tests that read the registrar (suspect credentials, the rotation
// policy's lift, the staff page's lift holds). Each file keeps its own credential names and makes
// the portal's block its own way.

/** A device registered with a credential, as a test names it: where from and what it says it is. */
export type Reg = { sourceIp: string; userAgent: string };

/** The password each credential has on the simulator when the account is blocked (the one to change). */
export const OLD_SIP_PASSWORD = 'old-password-0';

/**
 * `r` as the simulator stores a registration of `username`: contact `sip:username@host:port`, port
 * 5060 + `i` (so that one credential's devices differ), an IPv6 host in brackets as RFC 3261 §19.1.1
 * writes it; it expires in an hour.
 */
export function simRegistration(username: string, r: Reg, i = 0) {
  const host = r.sourceIp.includes(':') ? `[${r.sourceIp}]` : r.sourceIp;
  return {
    contact: `sip:${username}@${host}:${5060 + i}`,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  };
}

/** A new SIP password each call that the portal's strength rule accepts. */
export const strongPassword = () => `Xq7-${crypto.randomBytes(12).toString('base64url')}`;

/** The portal's switch client against `sim`: no retries, `timeoutMs` a request, logging nothing. */
export const simClient = (sim: TestSim, timeoutMs: number) =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, retries: 0, timeoutMs, log: () => {} });

/**
 * Puts account `accountNumber` on `sim` blocked (high-risk destination, blocked now) with these
 * credentials, in this order, each with password OLD_SIP_PASSWORD and its registrations (none when
 * `undefined`), built by simRegistration.
 */
export async function putBlockedOnSim(
  sim: TestSim,
  accountNumber: string,
  credentials: readonly (readonly [{ username: string }, readonly Reg[] | undefined])[],
): Promise<void> {
  await sim.control('PUT', `/_sim/accounts/${accountNumber}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: new Date().toISOString(),
    credentials: credentials.map(([{ username }, regs]) => ({
      username,
      password: OLD_SIP_PASSWORD,
      registrations: (regs ?? []).map((r, i) => simRegistration(username, r, i)),
    })),
  });
}

/**
 * A new account (makeAccount, one member) with a credential of each username in `usernames` (a name
 * to a username, created in that order), put blocked on `sim` with `regs[name]` as each one's
 * registrations (putBlockedOnSim). The portal's block is the caller's to make. Returns
 * `{ account, users, cred }`, `cred` the SipCredential rows by name.
 */
export async function makeAccountBlockedOnSim<N extends string>(
  sim: TestSim,
  usernames: Record<N, string>,
  regs: Partial<Record<N, readonly Reg[]>>,
) {
  const names = Object.keys(usernames) as N[];
  const { account, users, creds } = await makeAccount({ credentials: names.map((x) => usernames[x]) });
  const cred = Object.fromEntries(names.map((x, i) => [x, creds[i]!])) as Record<N, (typeof creds)[number]>;
  await putBlockedOnSim(
    sim,
    account.number,
    names.map((x) => [cred[x], regs[x]] as const),
  );
  return { account, users, cred };
}

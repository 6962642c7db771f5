import 'server-only';
import { memberOf } from '@/lib/accounts/queries';
import { db } from '@/lib/server/db';
import { ipCountry } from '@/lib/geo/ip-country';
import { type SwitchClient, switchClient } from '@/lib/switch/client';
import { normalizeIp } from '@/lib/server/client-address';
import type { ReadRegistration, SipRegistration } from '@/lib/switch/schemas';
import { switchQuietUntil } from '@/lib/switch/quiet';

// "Is the attacker out, and are my phones back?": the bindings the switch's registrar holds for an
// account's SIP credentials (CONTRACTS §3 GET …/registrations), each with the country of its source
// address and, in words, why it looks wrong. Read live on every page view, never stored.

/** Why a binding deserves a second look. */
export type BindingFlag =
  /** It comes from a source IP of the calls that caused the block. */
  | 'trigger_ip'
  /** Its source IP is registered in a country other than the account's. */
  | 'foreign_country'
  /** Its user agent names a SIP scanning tool (SCANNER_USER_AGENT), not a phone or a PBX. */
  | 'scanner';

export type DeviceBinding = {
  contact: string;
  sourceIp: string;
  /** ISO 3166-1 alpha-2 of sourceIp, or null when unknown (lib/geo/ip-country.ts). */
  country: string | null;
  userAgent: string;
  expiresAt: Date;
  flags: BindingFlag[];
  /** The fields the switch sent longer than Tollgate keeps (cut, ending in "…"). */
  shortened: ReadRegistration['shortened'];
};

/**
 * Why a credential's bindings were not read, as the page must say it:
 * - `paused`: the switch has asked this instance to leave it alone (a 429, or a 503 with Retry-After:
 *   lib/switch/quiet.ts) until `until` (wall clock, to the second), so it was not asked, or its answer
 *   was that request to wait. A reload before `until` reads nothing either.
 * - `failed`: it was asked and gave no usable answer (no answer in time, no connection, an error
 *   status): a reload asks again.
 */
export type NotRead = { reason: 'paused'; until: Date } | { reason: 'failed' };

/**
 * One SIP credential and what the switch says about it; `bindings: null` when they were not read, and
 * `notRead` then says why (null when they were read). `unreadable`: bindings the switch reported that
 * could not be read (shown as a count).
 */
export type CredentialDevices = {
  id: string;
  username: string;
  label: string;
  bindings: DeviceBinding[] | null;
  notRead: NotRead | null;
  unreadable: number;
};

export type FlagContext = {
  /** The account's country (ISO 3166-1 alpha-2). */
  accountCountry: string;
  /** Source IPs of the block's trigger calls, in any spelling (compared canonical: normalizeIp). */
  triggerIps: readonly string[];
};

/**
 * User agents of the tools that scan the internet for SIP servers and guess their passwords, as they
 * announce themselves: SIPVicious (`friendly-scanner`, its default, and `sipvicious`), sipcli,
 * `sip-scan`/`sipscan`, VaxSIPUserAgent, pplsip, SIVuS, smap, iWar and `sundayddr`. Hand-written: no
 * library names them. A phone or PBX never sends one, so a binding with one is an attacker's even
 * from an address in the account's own country.
 */
const SCANNER_USER_AGENT =
  /friendly-scanner|sipvicious|\bsipcli\b|sip-?scan|vaxsipuseragent|pplsip|sivus|\bsmap\b|\biwar\b|sundayddr/i;

/**
 * The flags of one binding. Addresses are compared in one canonical form (normalizeIp: `::ffff:1.2.3.4`
 * is `1.2.3.4`, IPv6 in any case and compression is one string). An unknown country (private or
 * documentation ranges, no data) is never called foreign: the page cannot say where it is. A user
 * agent of a scanning tool (SCANNER_USER_AGENT) is flagged wherever it comes from. Pure.
 */
export function flagsFor(
  reg: Pick<SipRegistration, 'sourceIp'> & { userAgent?: string },
  country: string | null,
  ctx: FlagContext,
): BindingFlag[] {
  const flags: BindingFlag[] = [];
  const ip = normalizeIp(reg.sourceIp);
  if (ip && ctx.triggerIps.some((t) => normalizeIp(t) === ip)) flags.push('trigger_ip');
  if (country !== null && country !== ctx.accountCountry) flags.push('foreign_country');
  if (reg.userAgent && SCANNER_USER_AGENT.test(reg.userAgent)) flags.push('scanner');
  return flags;
}

/**
 * Asks the switch for the bindings of each credential, in parallel, with the client's per-call
 * timeout (SWITCH_API_TIMEOUT_MS) and no retries: a page waits at most one timeout, and a credential
 * the switch did not answer for comes back with `bindings: null` and `notRead: { reason: 'failed' }`.
 * While the switch has asked this instance for quiet (lib/switch/quiet.ts) nothing is asked, and each
 * credential comes back with `notRead: { reason: 'paused', until }`; so does one whose failed read
 * left the instance quiet (the switch's answer was a 429, or another read's was), since a reload
 * reads nothing before `until` either. Never throws for switch failures.
 */
export async function liveDevices(
  credentials: readonly { id: string; username: string; label: string }[],
  ctx: FlagContext,
  client: SwitchClient = switchClient({ retries: 0 }),
): Promise<CredentialDevices[]> {
  // While the switch has asked this instance for quiet (a 429 or 503 with Retry-After,
  // lib/switch/quiet.ts), a page's device list is not read. Read anyway, each such 429 would stretch
  // the quiet in which the switch outbox sends nothing, and a fraud wave's open block pages would hold
  // back support's blocks and lifts (review, session 42). The page says so, and from when they are
  // read again: "could not load … reload the page" was shown instead, untrue (nothing was asked, and
  // a reload read nothing until the quiet ended).
  const quietUntil = switchQuietUntil();
  const notRead = (c: { id: string; username: string; label: string }): CredentialDevices => {
    const until = quietUntil ?? switchQuietUntil();
    return {
      id: c.id,
      username: c.username,
      label: c.label,
      bindings: null,
      notRead: until ? { reason: 'paused', until } : { reason: 'failed' },
      unreadable: 0,
    };
  };
  return Promise.all(
    credentials.map(async (c): Promise<CredentialDevices> => {
      if (quietUntil) return notRead(c);
      const res = await client.getRegistrations(c.username);
      if (!res.ok) return notRead(c);
      const bindings = res.value.registrations.map((r) => {
        const country = ipCountry(r.sourceIp);
        return {
          contact: r.contact,
          sourceIp: r.sourceIp,
          country,
          userAgent: r.userAgent,
          expiresAt: new Date(r.expiresAt),
          flags: flagsFor(r, country, ctx),
          shortened: r.shortened,
        };
      });
      return {
        id: c.id,
        username: c.username,
        label: c.label,
        bindings,
        notRead: null,
        unreadable: res.value.unreadable,
      };
    }),
  );
}

/**
 * The block page: every SIP credential of the block's account, flagged against the block's trigger
 * IPs. `null` when the block is not one of the user's accounts' (→ 404).
 */
export async function devicesForBlock(
  userId: string,
  blockId: string,
  client?: SwitchClient,
): Promise<{ accountCountry: string; credentials: CredentialDevices[] } | null> {
  const block = await db.block.findFirst({
    where: { id: blockId, account: memberOf(userId) },
    select: {
      calls: { select: { sourceIp: true } },
      account: {
        select: {
          country: true,
          sipCredentials: { select: { id: true, username: true, label: true }, orderBy: { username: 'asc' } },
        },
      },
    },
  });
  if (!block) return null;
  return devicesOfBlock(
    {
      account: block.account,
      sourceIps: [...new Set(block.calls.map((c) => c.sourceIp))],
      credentials: block.account.sipCredentials,
    },
    client,
  );
}

/**
 * The block page's devices from the block it has already read, scoped to the user
 * (lib/blocks/queries.ts getBlockForUser), so the page asks the database nothing more: every SIP
 * credential of its account (in the order given), flagged against the block's trigger IPs
 * (`sourceIps`: every distinct source address of its calls, not only the calls the page lists).
 */
export async function devicesOfBlock(
  block: {
    account: { country: string };
    sourceIps: readonly string[];
    credentials: readonly { id: string; username: string; label: string }[];
  },
  client?: SwitchClient,
): Promise<{ accountCountry: string; credentials: CredentialDevices[] }> {
  const ctx = { accountCountry: block.account.country, triggerIps: [...new Set(block.sourceIps)] };
  return {
    accountCountry: ctx.accountCountry,
    credentials: await liveDevices(block.credentials, ctx, client),
  };
}

/** How far back a reset page looks for trigger IPs: blocks placed in the last 30 days. */
const RECENT_BLOCKS_MS = 30 * 24 * 3600 * 1000;

/**
 * A credential's reset page: that credential alone, flagged against the trigger IPs of its
 * account's blocks of the last 30 days. `null` when it is not one of the user's accounts' (→ 404).
 */
export async function devicesForCredential(
  userId: string,
  credentialId: string,
  client?: SwitchClient,
  now = new Date(),
): Promise<{ accountCountry: string; credentials: CredentialDevices[] } | null> {
  const cred = await db.sipCredential.findFirst({
    where: { id: credentialId, account: memberOf(userId) },
    select: {
      id: true,
      username: true,
      label: true,
      account: {
        select: {
          country: true,
          blocks: {
            where: { placedAt: { gte: new Date(now.getTime() - RECENT_BLOCKS_MS) } },
            select: { calls: { select: { sourceIp: true } } },
          },
        },
      },
    },
  });
  if (!cred) return null;
  const ctx = {
    accountCountry: cred.account.country,
    triggerIps: [...new Set(cred.account.blocks.flatMap((b) => b.calls.map((c) => c.sourceIp)))],
  };
  return { accountCountry: ctx.accountCountry, credentials: await liveDevices([cred], ctx, client) };
}

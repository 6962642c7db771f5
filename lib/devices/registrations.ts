import 'server-only';
import { memberOf } from '@/lib/accounts/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { unsettledStateOf, type UnsettledCause } from '@/lib/accounts/unsettled';
import { escapeLoneSurrogates, replaceControlCharacters } from '@/lib/server/control-characters';
import { db } from '@/lib/server/db';
import { namesScanner, reportedUserAgent } from '@/lib/devices/user-agent';
import { hostAddress, ipCountry } from '@/lib/geo/ip-country';
import { type SwitchClient, switchClient } from '@/lib/switch/client';
import type { ReadRegistration, SipRegistration } from '@/lib/switch/schemas';
import { switchQuietUntil } from '@/lib/switch/quiet';
import { recordSuspects } from '@/lib/blocks/suspects';

// "Is the attacker out, and are my phones back?": the bindings the switch's registrar holds for an
// account's SIP credentials (CONTRACTS §3 GET …/registrations), each with the country of its source
// address and, in words, why it looks wrong. Read live on every page view, never stored; what a read
// shows of a credential the block's calls did not name (a binding from their address, a scanner's) is
// recorded against the account's active blocks (lib/blocks/suspects.ts recordSuspects), whose
// automatic lift then waits for that password too.

/** Why a binding deserves a second look. */
export type BindingFlag =
  /** It comes from a source IP of the calls that caused the block. */
  | 'trigger_ip'
  /**
   * It comes from a source IP of the calls that caused the block which OWN_NETWORK_MIN or more of the
   * bindings read with it share, in the account's country or an unknown one: the account's own office
   * network or PBX at that address, through which the calls went (the binding is one of its phones),
   * rather than an attacker's machine. In place of `trigger_ip` (see markOwnNetwork).
   */
  | 'own_network'
  /** Its source IP is registered in a country other than the account's. */
  | 'foreign_country'
  /** Its user agent names a SIP scanning tool (lib/devices/user-agent.ts), not a phone or a PBX. */
  | 'scanner'
  /**
   * It did not say what it is: the switch sent no user agent for it (`""`), or a registrar's
   * placeholder for one it did not record (`n/a`, any case: Kamailio's registrar writes it for a
   * REGISTER with no User-Agent, an empty one, or one of 255 bytes or more; see reportedUserAgent).
   * Phones and PBXs nearly always send one (Yealink, Grandstream, Asterisk, FreePBX, Cisco do); a
   * scanner that pads its User-Agent past the registrar's limit hid so from the `scanner` flag and
   * passed for one of the customer's phones (a tester, 2026-12). Never counted towards an office
   * (markOwnNetwork).
   */
  | 'no_user_agent'
  /**
   * Its contact carried a SIP password in clear (`sip:user:password@host`, lib/phone/uri.ts
   * hideUriPasswords): the device hands it to the registrar and every hop. The contact is shown with
   * it hidden.
   */
  | 'password_in_contact';

export type DeviceBinding = {
  /**
   * As the switch sent it, a password in a SIP URI hidden (lib/switch/schemas.ts readRegistrations;
   * flag `password_in_contact`) and control characters replaced (readableSwitchText).
   */
  contact: string;
  /** Canonical (lib/server/client-address.ts normalizeIp). */
  sourceIp: string;
  /** ISO 3166-1 alpha-2 of sourceIp, or null when unknown (lib/geo/ip-country.ts). */
  country: string | null;
  /**
   * As the switch sent it, control characters replaced (readableSwitchText); '' when none, and for a
   * registrar's placeholder (`n/a`: reportedUserAgent), which is not what the device said.
   */
  userAgent: string;
  expiresAt: Date;
  flags: BindingFlag[];
  /**
   * How many of the bindings read together with this one (every credential of the page's read,
   * liveDevices) come from its source address, by host (a tunnel's IPv6 form of an IPv4 address is
   * that address: markOwnNetwork), this one included: 1 for a device alone there.
   */
  sameAddress: number;
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
  /** Source IPs of the block's trigger calls, in any spelling (compared by host: hostAddress). */
  triggerIps: readonly string[];
};

/**
 * Text the switch wrote in a binding (its `contact`, its `userAgent`), as Tollgate keeps and shows it:
 * read as the switch's event text is (docs/switch-api.md, "Text in your answers"; lib/blocks/
 * trigger-calls.ts asReceived): each control character (C0 including tab, CR and LF, DEL, C1) becomes
 * U+FFFD (lib/server/control-characters.ts replaceControlCharacters, as asReceived does), and each
 * lone UTF-16 surrogate the six characters of its escape (escapeLoneSurrogates; the switch client's
 * JSON parser already does this for what it reads). Invisible formatting characters
 * (a U+202E RIGHT-TO-LEFT OVERRIDE) are kept, as the switch's record: every page writes them out
 * (lib/server/control-characters.ts revealInvisible). Nothing is trimmed or cut here: the read cut
 * each field to REGISTRATION_TEXT_MAX and marked it (`shortened`). Why replaced, not kept: whoever
 * registered a device chose its user agent, and `Evil\u0007UA\u001b[31m…\r\nX-Injected: 1` reached
 * the page's DOM with BEL and ESC in it (a tester's binding); why U+FFFD, not dropped or a space:
 * the reader sees that something unreadable was there, as in a trigger call's text. Pure.
 * Example: readableSwitchText('Evil\u0007UA\r\n') is 'Evil\uFFFDUA\uFFFD\uFFFD'.
 */
export function readableSwitchText(text: string): string {
  return replaceControlCharacters(escapeLoneSurrogates(text));
}

/**
 * The flags of one binding. Addresses are compared by host (lib/geo/ip-country.ts hostAddress:
 * normalizeIp's canonical form, `::ffff:1.2.3.4` is `1.2.3.4`, IPv6 in any case and compression is one
 * string; and a tunnel's IPv6 form, `2002:b9dc:6505::1`, is the IPv4 it carries, 185.220.101.5). An unknown country (private or
 * documentation ranges, no data) is never called foreign: the page cannot say where it is. A user
 * agent of a scanning tool (lib/devices/user-agent.ts; `reg.scanner` when the read tested the whole text
 * before it was cut: ReadRegistration.scannerUserAgent) is flagged wherever it comes from; so is a user agent
 * given as nothing (`''`, white space) or a registrar's placeholder (`n/a`, any case:
 * reportedUserAgent), as `no_user_agent`. `reg.userAgent` left out (undefined) is not looked at. Pure.
 */
export function flagsFor(
  reg: Pick<SipRegistration, 'sourceIp'> & { userAgent?: string; scanner?: boolean },
  country: string | null,
  ctx: FlagContext,
): BindingFlag[] {
  const flags: BindingFlag[] = [];
  // By host: a tunnel's IPv6 form of the calls' IPv4 address (6to4, NAT64, Teredo) is that address.
  const host = hostAddress(reg.sourceIp);
  if (host && ctx.triggerIps.some((t) => hostAddress(t) === host)) flags.push('trigger_ip');
  if (country !== null && country !== ctx.accountCountry) flags.push('foreign_country');
  if (reg.userAgent !== undefined && reportedUserAgent(reg.userAgent) === '') flags.push('no_user_agent');
  else if (reg.scanner ?? (reg.userAgent !== undefined && namesScanner(reg.userAgent))) flags.push('scanner');
  return flags;
}

/**
 * Asks the switch for the bindings of each credential, in parallel, with the client's per-call
 * timeout (SWITCH_API_TIMEOUT_MS) and no retries: a page waits at most one timeout, and a credential
 * the switch did not answer for comes back with `bindings: null` and `notRead: { reason: 'failed' }`.
 * While the switch has asked this instance for quiet (lib/switch/quiet.ts) nothing is asked, and each
 * credential comes back with `notRead: { reason: 'paused', until }`; so does one whose failed read
 * left the instance quiet (the switch's answer was a 429, or another read's was), since a reload
 * reads nothing before `until` either. Never throws for switch failures. Each binding's contact and
 * user agent come with their control characters replaced (readableSwitchText), a registrar's
 * placeholder user agent (`n/a`) as '' (reportedUserAgent), its flags computed on that text
 * (flagsFor), and, over all the credentials read, `sameAddress` counted and `own_network`
 * marked (markOwnNetwork). In the order given.
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
  const read = await Promise.all(
    credentials.map(async (c): Promise<CredentialDevices> => {
      if (quietUntil) return notRead(c);
      const res = await client.getRegistrations(c.username);
      if (!res.ok) return notRead(c);
      const bindings = res.value.registrations.map((r): DeviceBinding => {
        const country = ipCountry(r.sourceIp);
        const contact = readableSwitchText(r.contact);
        const userAgent = readableSwitchText(r.userAgent);
        const flags = flagsFor(
          { sourceIp: r.sourceIp, userAgent, scanner: r.scannerUserAgent },
          country,
          ctx,
        );
        return {
          contact,
          sourceIp: r.sourceIp,
          country,
          // `n/a` is the registrar's word, not the device's: pages say "not reported" (no_user_agent).
          userAgent: reportedUserAgent(userAgent),
          expiresAt: new Date(r.expiresAt),
          flags: r.passwordHidden ? [...flags, 'password_in_contact'] : flags,
          sameAddress: 1,
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
  markOwnNetwork(read);
  return read;
}

/**
 * The bindings from one address past which a trigger IP they share is the account's own network: an
 * office's phones behind one NAT (a tester's PBX customer: 54 phones on 83.45.12.200, the address its
 * PBX's fraud calls left from) are many; an attacker's machine holds the few credentials it cracked.
 */
export const OWN_NETWORK_MIN = 5;

/**
 * …and of at least this many different credentials: bindings are made by whoever holds a password, so
 * one cracked credential registered from five contacts must not pass for an office (review,
 * 2026-12-07: an attacker in the account's own country could have hidden its trigger_ip flag so).
 */
export const OWN_NETWORK_MIN_CREDENTIALS = 3;

/**
 * Counts, over every binding read (all the credentials of one page's read), the bindings of each
 * source address (`sameAddress`), and when OWN_NETWORK_MIN or more, of OWN_NETWORK_MIN_CREDENTIALS or
 * more credentials, share a trigger IP in the account's own country (known), flags those `own_network`
 * in place of `trigger_ip`: the page then says that the calls came
 * through the account's own network or PBX at that address, not that each phone came from the
 * attacker's address (54 office phones each flagged so hid the attacker's devices). Their other flags
 * stay (a scanning tool there is still one). A binding that did not say what it is (`no_user_agent`)
 * is counted in `sameAddress` but not towards OWN_NETWORK_MIN or OWN_NETWORK_MIN_CREDENTIALS: an office
 * is its phones, which say what they are, and whoever holds a few passwords could otherwise register
 * nameless contacts from the fraud's address until it passed for one. Addresses are counted by host
 * (lib/geo/ip-country.ts hostAddress), as `trigger_ip`, which `own_network` replaces, is decided
 * (flagsFor): an office is one public address, whether the switch reports a phone's registration
 * from it or from a tunnel's IPv6 form of it (6to4, NAT64, Teredo). Counted as written, an office's
 * phones split between the two forms each fell short of OWN_NETWORK_MIN and kept `trigger_ip`, and
 * every credential they were registered as was recorded a suspect (lib/blocks/suspects.ts). An
 * attacker gains nothing by it: the forms of one host are one machine for `trigger_ip` already, and
 * the bindings must still be OWN_NETWORK_MIN phones of OWN_NETWORK_MIN_CREDENTIALS credentials in
 * the account's country. Mutates `credentials`' bindings.
 */
function markOwnNetwork(credentials: CredentialDevices[]): void {
  const count = new Map<string, number>();
  const phones = new Map<string, number>();
  const names = new Map<string, Set<string>>();
  const host = (b: DeviceBinding) => hostAddress(b.sourceIp) ?? b.sourceIp;
  for (const c of credentials)
    for (const b of c.bindings ?? []) {
      const h = host(b);
      count.set(h, (count.get(h) ?? 0) + 1);
      if (b.flags.includes('no_user_agent')) continue;
      phones.set(h, (phones.get(h) ?? 0) + 1);
      names.set(h, (names.get(h) ?? new Set<string>()).add(c.id));
    }
  for (const b of credentials.flatMap((c) => c.bindings ?? [])) {
    const h = host(b);
    b.sameAddress = count.get(h) ?? 1;
    if (
      (phones.get(h) ?? 0) >= OWN_NETWORK_MIN &&
      (names.get(h)?.size ?? 0) >= OWN_NETWORK_MIN_CREDENTIALS &&
      b.flags.includes('trigger_ip') &&
      // In the account's own country, known: an address of no known country may be anyone's.
      b.country !== null &&
      !b.flags.includes('foreign_country')
    )
      b.flags = b.flags.map((f) => (f === 'trigger_ip' ? 'own_network' : f));
  }
}

/** A binding that looks like an attacker's, with the credential it is registered as. */
export type SuspiciousBinding = {
  credential: { id: string; username: string; label: string };
  binding: DeviceBinding;
};

/**
 * The bindings that look like an attacker's, for the summary at the top of a page
 * (components/devices/suspicious-devices.tsx): a scanning tool's user agent (`scanner`), no user agent
 * at all (`no_user_agent`: a scanner may pad its own past what the registrar records), or a source
 * address in a country other than the account's (`foreign_country`; never an unknown country), or an
 * address the block's calls came from (`trigger_ip`: whoever registered there holds that password too,
 * whichever credential the calls named; a tester's second cracked credential, registered from the
 * fraud's address, was listed only in its own section while the block lifted on the first one's
 * rotation). The account's own office at such an address reads `own_network` instead (markOwnNetwork)
 * and is not listed. In the order given (credentials, then each one's bindings); empty when there are
 * none or nothing was read. Pure.
 */
export function suspiciousBindings(credentials: readonly CredentialDevices[]): SuspiciousBinding[] {
  return credentials.flatMap((c) =>
    (c.bindings ?? [])
      .filter(
        (b) =>
          b.flags.includes('scanner') ||
          b.flags.includes('no_user_agent') ||
          b.flags.includes('trigger_ip') ||
          b.flags.includes('foreign_country'),
      )
      .map((binding) => ({ credential: { id: c.id, username: c.username, label: c.label }, binding })),
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
      accountId: true,
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
      account: { id: block.accountId, country: block.account.country },
      sourceIps: [...new Set(block.calls.map((c) => c.sourceIp))],
      credentials: block.account.sipCredentials,
    },
    client,
  );
}

/**
 * The block page's devices from the block it has already read, scoped to the user
 * (lib/blocks/queries.ts getBlockForUser), so the page reads the database nothing more: every SIP
 * credential of its account (in the order given), flagged against the block's trigger IPs
 * (`sourceIps`: every distinct source address of its calls, not only the calls the page lists). What
 * the read shows of credentials the account's active blocks do not name is recorded before it
 * resolves (lib/blocks/suspects.ts recordSuspects: nothing to do for most reads, else one statement;
 * a failure is logged, never thrown).
 */
export async function devicesOfBlock(
  block: {
    account: { id: string; country: string };
    sourceIps: readonly string[];
    credentials: readonly { id: string; username: string; label: string }[];
  },
  client?: SwitchClient,
): Promise<{ accountCountry: string; credentials: CredentialDevices[] }> {
  const ctx = { accountCountry: block.account.country, triggerIps: [...new Set(block.sourceIps)] };
  const credentials = await liveDevices(block.credentials, ctx, client);
  await recordSuspects(block.account.id, credentials);
  return { accountCountry: ctx.accountCountry, credentials };
}

/** How far back a reset page and the staff account page look for trigger IPs: blocks placed in the last 30 days. */
const RECENT_BLOCKS_MS = 30 * 24 * 3600 * 1000;

/** The distinct source IPs of the trigger calls of the account's blocks placed since `now` - RECENT_BLOCKS_MS. */
async function recentTriggerIps(accountId: string, now: Date): Promise<string[]> {
  const rows = await db.triggerCall.groupBy({
    by: ['sourceIp'],
    where: { block: { accountId, placedAt: { gte: new Date(now.getTime() - RECENT_BLOCKS_MS) } } },
  });
  return rows.map((r) => r.sourceIp);
}

/**
 * A credential's reset page: that credential alone, flagged against the trigger IPs of its
 * account's blocks of the last 30 days, what it shows recorded against the account's active blocks
 * (recordSuspects, as devicesOfBlock, but `partial`: a scanning tool's binding only, since one
 * credential's read cannot tell the office's own network). `null` when it is not one of the user's
 * accounts' (→ 404).
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
      accountId: true,
      account: { select: { country: true } },
    },
  });
  if (!cred) return null;
  const ctx = {
    accountCountry: cred.account.country,
    triggerIps: await recentTriggerIps(cred.accountId, now),
  };
  const { id, username, label } = cred;
  const credentials = await liveDevices([{ id, username, label }], ctx, client);
  // One credential's read: its `scanner` bindings are recorded, not `trigger_ip` (recordSuspects).
  await recordSuspects(cred.accountId, credentials, undefined, [], { partial: true });
  return { accountCountry: ctx.accountCountry, credentials };
}

/**
 * One SIP credential on the staff account page: its devices (CredentialDevices), when its password
 * was last changed through Tollgate (`passwordChangedAt`, null when never), and `unsettled`: its
 * latest change has no answer from the switch (lib/credentials/change-state.ts awaitsSwitchAnswer), so
 * `passwordChangedAt` may not be the password the switch has; then why (`unsettledCause`) and, when
 * the switch answered by asking to wait, from when a new one can be set (`unsettledBusyUntil`), as
 * the customer's pages read them (lib/accounts/unsettled.ts unsettledStateOf). `unsettledCause`
 * absent reads as `no_answer`.
 */
export type StaffCredentialDevices = CredentialDevices & {
  passwordChangedAt: Date | null;
  unsettled: boolean;
  unsettledCause?: UnsettledCause | null;
  unsettledBusyUntil?: Date;
};

/** What the staff account page's "Registered devices" shows (devicesForStaff). */
export type StaffDevices = { accountCountry: string; credentials: StaffCredentialDevices[] };

/**
 * The staff account page: every SIP credential of the account `accountId` (by username), read from
 * the switch as the customer's pages read them (liveDevices: in parallel, one timeout, no retries,
 * nothing asked while the switch asked for quiet) and flagged against the trigger IPs of the
 * account's blocks of the last 30 days, as a reset page is. Staff only, checked here as the account
 * page's other reads check it (assertStaff: anyone else gets the 404). Null when there is no such
 * account. One database read for the credentials and their latest password change, one for the
 * trigger IPs, then one switch call per credential; what the read shows is recorded against the
 * account's active blocks (recordSuspects, as devicesOfBlock).
 */
export async function devicesForStaff(
  user: CurrentUser,
  accountId: string,
  client?: SwitchClient,
  now = new Date(),
): Promise<StaffDevices | null> {
  // Imported here, not at the top: the switch outbox reads registrations through liveDevices, and a
  // worker outside Next (tsx) must not load lib/auth/session.ts, which reaches next/navigation.
  const session: typeof import('@/lib/auth/session') = await import('@/lib/auth/session');
  session.assertStaff(user);
  const account = await db.customerAccount.findUnique({
    where: { id: accountId },
    select: {
      country: true,
      sipCredentials: {
        orderBy: { username: 'asc' },
        select: {
          id: true,
          username: true,
          label: true,
          passwordChangedAt: true,
          // The latest change the switch did not refuse decides (lib/credentials/reset.ts latestChange).
          changes: {
            where: { status: { not: 'failed' } },
            orderBy: { createdAt: 'desc' },
            take: 1,
            select: { status: true, switchConfirmedAt: true, error: true, completedAt: true },
          },
        },
      },
    },
  });
  if (!account) return null;
  const ctx = { accountCountry: account.country, triggerIps: await recentTriggerIps(accountId, now) };
  const creds = account.sipCredentials;
  const read = await liveDevices(
    creds.map(({ id, username, label }) => ({ id, username, label })),
    ctx,
    client,
  );
  await recordSuspects(accountId, read);
  return {
    accountCountry: ctx.accountCountry,
    credentials: read.map((d, i) => ({
      ...d,
      passwordChangedAt: creds[i]!.passwordChangedAt,
      ...unsettledStateOf(creds[i]!.changes[0] ?? null),
    })),
  };
}

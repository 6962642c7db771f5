import 'server-only';
import type { CountryCode } from 'libphonenumber-js';
import { credentialName } from '@/lib/accounts/credential-name';
import { memberOf } from '@/lib/accounts/queries';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { passwordChangedSince } from '@/lib/blocks/rotation';
import { intlOf } from '@/lib/i18n/intl-cache';
import { intlTag } from '@/lib/i18n/locales';
import type { Note } from '@/lib/i18n/note';
import { revealInvisible } from '@/lib/server/control-characters';
import { db, type Tx } from '@/lib/server/db';
import { countryName, readDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';

// An allowance must not reopen the door the fraud came through (tester, high severity: ACC-2001,
// blocked for hotspot_source_ip, was allowed São Tomé for 24 h while `harbor-trunk`, through which
// the block's calls to +239 went, still had the fraudster's password). DESIGN.md: a block lifts
// itself once every SIP credential its trigger calls name has a new password set after it was
// placed; an allowance is a partial lift, so for a country C it waits for the same thing from the
// credentials whose calls went to C. The one place of that rule: the request (request.ts), the
// approval and the grant (decide.ts) refuse with it inside their own transactions, and the pages say
// it up front (components/allowance) from the same reading. A block's suspect credentials (seen
// registered from its calls' addresses or by a scanning tool, lib/blocks/suspects.ts: their registrant
// holds the password, and the block's lift waits for them) could call any country the block's calls
// went to the moment it is allowed: they count for each of those countries like a credential whose
// calls went there.

/** The blocks an allowance is an exception to: in force, or their lift not yet confirmed by the switch. */
const IN_FORCE = ['active', 'lift_pending'] as const;

/**
 * The reason whose trigger calls may be the office's own: a person there may really call a high-risk
 * country, which is what an allowance is for. Its unchanged credentials are a warning for staff, never
 * a refusal; every other reason (`hotspot_source_ip`, `suspicious_pattern`, `manual`) says the calls
 * were not the customer's.
 */
const OFFICE_MAY_CALL: BlockReason = 'high_risk_destination';

/** Unknown names a page or a note lists; the rest are counted. */
export const NAMES_SHOWN = 5;

/** A block in force as the rule reads it: `createdAt` is when the portal learnt of it (its own clock). */
export type DoorBlock = { id: string; reason: BlockReason; createdAt: Date };
/** A trigger call as stored (lib/blocks/trigger-calls.ts): its block, SIP username and dialled number. */
export type DoorCall = { blockId: string; sipUsername: string; to: string };
/** A suspect credential of a block (lib/blocks/suspects.ts): not named by its calls, its password held all the same. */
export type DoorSuspect = { blockId: string; credentialId: string };
/** One of the account's SIP credentials; `passwordChangedAt` is set only by a change the switch confirmed. */
export type DoorCredential = { id: string; username: string; label: string; passwordChangedAt: Date | null };

/** What the trigger calls to one country say about allowing it (fraudDoors). */
export type CountryDoor = {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /**
   * Credentials whose calls to the country, in a block in force whose reason is not
   * `high_risk_destination`, were made with a password not changed since that block: the country is
   * refused until they are changed. Sorted by username.
   */
  changeFirst: DoorCredential[];
  /**
   * The same for `high_risk_destination` blocks only (a credential in changeFirst is not repeated):
   * a warning for staff. Sorted by username.
   */
  unchanged: DoorCredential[];
  /**
   * SIP usernames of calls to the country that are none of the account's credentials (an open SIP
   * port, a forgotten trunk): no password change closes them. A warning on both sides. Sorted.
   */
  unknownNames: string[];
};

/**
 * The rule, over an account's blocks in force (`blocks`), their trigger calls (`calls`, repeats
 * allowed) and the account's SIP credentials (`credentials`), for an account dialling from `home`.
 * A call's country is its dialled number as lib/phone/format.ts readDialled reads it from `home` (the
 * region the block page and the callback rule read: "+239 990 1234" is ST, "+1 876…" JM); a number it
 * cannot read, or one of no region (+882 networks), counts for no country. A credential is unchanged
 * for a block unless its password was changed since it (lib/blocks/rotation.ts passwordChangedSince,
 * the rotation policy's own predicate). A block's suspect credential (`suspects`) counts for every
 * country its block's calls went to, as if it had called there (an unknown credential id counts for
 * none). Returns, by country, the countries with something to say (a
 * credential to change first, one unchanged, or an unknown name); a country absent from the map may
 * be allowed with nothing to say. Pure: no clock, no database.
 */
export function fraudDoors(
  blocks: readonly DoorBlock[],
  calls: readonly DoorCall[],
  credentials: readonly DoorCredential[],
  home: CountryCode,
  suspects: readonly DoorSuspect[] = [],
): Map<string, CountryDoor> {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const byName = new Map(credentials.map((c) => [c.username, c]));
  const countries = new Map<string, string | null>();
  const countryOf = (to: string) => {
    if (!countries.has(to)) countries.set(to, readDialled(to, home)?.number.country ?? null);
    return countries.get(to)!;
  };
  const found = new Map<string, { first: Set<string>; warn: Set<string>; unknown: Set<string> }>();
  // The countries each block's calls went to, for its suspects.
  const reached = new Map<string, Set<string>>();
  const unchanged = (cred: DoorCredential, block: DoorBlock, country: string) => {
    if (passwordChangedSince(cred, block)) return;
    const f = found.get(country)!;
    (block.reason === OFFICE_MAY_CALL ? f.warn : f.first).add(cred.username);
  };
  for (const call of calls) {
    const block = byId.get(call.blockId);
    const country = block ? countryOf(call.to) : null;
    if (!block || !country) continue;
    let f = found.get(country);
    if (!f) found.set(country, (f = { first: new Set(), warn: new Set(), unknown: new Set() }));
    reached.set(block.id, (reached.get(block.id) ?? new Set<string>()).add(country));
    const cred = byName.get(call.sipUsername);
    if (!cred) f.unknown.add(call.sipUsername);
    else unchanged(cred, block, country);
  }
  const credById = new Map(credentials.map((c) => [c.id, c]));
  for (const x of suspects) {
    const block = byId.get(x.blockId);
    const cred = credById.get(x.credentialId);
    if (block && cred) for (const country of reached.get(block.id) ?? []) unchanged(cred, block, country);
  }
  const creds = (names: Iterable<string>) => [...names].sort().map((n) => byName.get(n)!);
  const doors = new Map<string, CountryDoor>();
  for (const [country, f] of found) {
    if (!f.first.size && !f.warn.size && !f.unknown.size) continue;
    doors.set(country, {
      country,
      changeFirst: creds(f.first),
      unchanged: creds([...f.warn].filter((n) => !f.first.has(n))),
      unknownNames: [...f.unknown].sort(),
    });
  }
  return doors;
}

/** What fraudDoors reads: the Prisma client or a transaction. */
type Reader = Pick<
  Tx,
  'block' | 'triggerCall' | 'sipCredential' | 'customerAccount' | 'blockSuspectCredential'
>;

/**
 * Reads what fraudDoors needs for account `accountId` through `tx` (in a decision, its transaction,
 * after the account lock): the account's country, its blocks in force (`active`, `lift_pending`),
 * their trigger calls (each distinct block, username and number once: a block may hold 10,000
 * calls, lib/blocks/trigger-calls.ts), their suspect credentials and its SIP credentials; and gives fraudDoors' answer. An
 * unknown account has no doors. `scope`: an extra condition on the account (membership), else none.
 */
export async function readFraudDoors(
  tx: Reader,
  accountId: string,
  scope: { userId?: string } = {},
): Promise<Map<string, CountryDoor>> {
  const account = await tx.customerAccount.findFirst({
    where: { id: accountId, ...(scope.userId ? memberOf(scope.userId) : {}) },
    select: { country: true },
  });
  if (!account) return new Map();
  const blocks = await tx.block.findMany({
    where: { accountId, status: { in: [...IN_FORCE] } },
    select: { id: true, reason: true, createdAt: true },
  });
  if (blocks.length === 0) return new Map();
  const [calls, credentials, suspects] = await Promise.all([
    tx.triggerCall.groupBy({
      by: ['blockId', 'sipUsername', 'to'],
      where: { blockId: { in: blocks.map((b) => b.id) } },
    }),
    tx.sipCredential.findMany({
      where: { accountId },
      select: { id: true, username: true, label: true, passwordChangedAt: true },
    }),
    tx.blockSuspectCredential.findMany({
      where: { blockId: { in: blocks.map((b) => b.id) } },
      select: { blockId: true, credentialId: true },
    }),
  ]);
  return fraudDoors(blocks, calls, credentials, accountCountry(account.country), suspects);
}

/** `items` as one phrase of the language of `locale` ("a, b and c", "a, b y c"). */
function listed(items: readonly string[], locale: string): string {
  return intlOf(Intl.ListFormat, intlTag(locale), { style: 'long', type: 'conjunction' }).format(items);
}

/** The credentials as named in running text ("Harbor trunk (harbor-trunk)"), as one phrase in `locale`. */
export const credentialsText = (creds: readonly DoorCredential[], locale: string) =>
  listed(
    creds.map((c) => credentialName(c)),
    locale,
  );

/**
 * Why `door`'s country cannot be allowed, as a note in `locale` for `who` reads it, or null when it
 * can (no credential to change first). The customer's (`outcome.field.allowance.passwordFirst`, for
 * the country field) says to change the passwords first; the agent's (`outcome.allowance.passwordFirst`:
 * the approval's note, the grant's country field) also that they cannot change them. Values:
 * `country` (named in `locale`), `credentials` (credentialsText), `count`.
 */
export function doorRefusal(
  door: CountryDoor | undefined,
  who: 'customer' | 'staff',
  locale: string,
): Note | null {
  if (!door || door.changeFirst.length === 0) return null;
  return {
    key: who === 'customer' ? 'outcome.field.allowance.passwordFirst' : 'outcome.allowance.passwordFirst',
    values: {
      country: countryName(door.country, locale),
      credentials: credentialsText(door.changeFirst, locale),
      count: door.changeFirst.length,
    },
  };
}

/** A credential as a page names and links it: its id (the reset page's) and its name in running text. */
export type DoorCredentialView = { id: string; name: string };

/** A country's door as the pages show it (a DTO: no dates, no other account's data). */
export type DoorView = {
  country: string;
  changeFirst: DoorCredentialView[];
  unchanged: DoorCredentialView[];
  /** As shown (revealInvisible), at most NAMES_SHOWN; `otherNames` counts the rest. */
  unknownNames: string[];
  otherNames: number;
};

const credentialView = (c: DoorCredential): DoorCredentialView => ({ id: c.id, name: credentialName(c) });

/** The views of `doors`, sorted by country code. */
function views(doors: Map<string, CountryDoor>): DoorView[] {
  return [...doors.values()]
    .sort((a, b) => a.country.localeCompare(b.country))
    .map((d) => ({
      country: d.country,
      changeFirst: d.changeFirst.map(credentialView),
      unchanged: d.unchanged.map(credentialView),
      unknownNames: d.unknownNames.slice(0, NAMES_SHOWN).map((n) => revealInvisible(n)),
      otherNames: Math.max(0, d.unknownNames.length - NAMES_SHOWN),
    }));
}

/**
 * The customer's allowance page: the doors of account `accountId` when `user` is a member of it,
 * else none. The page says up front which countries cannot be allowed yet (and does not offer them)
 * and through which names calls came that no password change closes.
 */
export async function fraudDoorsForMember(user: CurrentUser, accountId: string): Promise<DoorView[]> {
  return views(await readFraudDoors(db, accountId, { userId: user.id }));
}

/** The staff account page: the doors of account `accountId` (staff only: assertStaff). */
export async function fraudDoorsForStaff(user: CurrentUser, accountId: string): Promise<DoorView[]> {
  assertStaff(user);
  return views(await readFraudDoors(db, accountId));
}

import 'server-only';
import { audit } from '@/lib/audit/log';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { CredentialDevices, DeviceBinding } from '@/lib/devices/registrations';
import { hostAddress } from '@/lib/geo/ip-country';
import { normalizeIp } from '@/lib/server/client-address';
import { sharedNow } from '@/lib/server/clock';
import { db } from '@/lib/server/db';
import { errorForLog, log } from '@/lib/server/log';
import { newRowId } from '@/lib/server/row-id';

// A credential the block's calls do not name, but whose password the attacker holds all the same
// (a tester playing the fraudster, 2026-12: two cracked credentials, `desk` and `fax`; the calls went
// through `desk`, `fax` was registered from the calls' address; the block lifted on `desk`'s rotation
// and the next calls went through `fax`). A binding proves its registrant passed the registrar's SIP
// digest check (RFC 3261 §22, RFC 8760), i.e. holds that credential's password. So a binding from an
// address the block's calls came from (`trigger_ip`; not `own_network`, the customer's own office:
// lib/devices/registrations.ts markOwnNetwork), or by a SIP scanning tool (`scanner`), makes its
// credential as compromised as one the calls named. The portal records what its live reads of the
// switch see (recordSuspects) and the block's automatic lift waits for those passwords too
// (lib/blocks/policy.ts liftIfRotated; the same rule in lib/policy/rotated-waiting.ts WAITING,
// lib/credentials/next-to-change.ts and lib/allowances/fraud-door.ts).

/** Why a credential the calls did not name is held to the block's rule: a BindingFlag of its binding. */
export type SuspectReason = 'trigger_ip' | 'scanner';

/** What the portal saw of a suspect credential: why, and the binding's source address (canonical). */
export type Suspected = { reason: SuspectReason; sourceIp: string };

/** The flags of a binding that make its credential a suspect. */
const suspectFlags = (b: DeviceBinding) => ({
  ip: b.flags.includes('trigger_ip'),
  scanner: b.flags.includes('scanner'),
});

/**
 * Records, for each **active** block of account `accountId` (and each block of `lifting` still open:
 * the blocks a queued lift covers, `lift_pending`, which the switch outbox reads for before it sends
 * the rotation policy's lift, lib/switch/outbox.ts), the credentials of that account that
 * `read` (a live read of the switch, lib/devices/registrations.ts liveDevices, flagged against any
 * trigger IPs) finds registered from an address of that block's own trigger calls (a binding flagged
 * `trigger_ip` whose host is one of the block's calls' hosts, a tunnel's IPv6 form being the IPv4 it
 * carries: suspectInsert; not `own_network`) or by a SIP
 * scanning tool (`scanner`, from anywhere), when the block's calls do not name them (a named one is
 * held already). One row per (block, credential) in BlockSuspectCredential, first sighting wins: a
 * trigger-address binding before a scanner's, then the read's order; `firstSeenAt` is `now` (the
 * portal's shared clock). Each new row gets an audit row (`block.suspect_credential`, no actor: the
 * system), in the same transaction.
 * Cost: nothing at all when no binding of `read` has either flag (most reads), or when a page's read
 * found the same flagged bindings of the account in the last RECENTLY_RECORDED_MS; else one transaction of
 * one `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING` statement (it reads the blocks and their
 * calls itself), plus the audit rows of what it inserted. Two reads at once record once, with one
 * audit row (the unique (blockId, credentialId) and DO NOTHING, on SQLite and PostgreSQL).
 * `partial`: `read` covers only some of the account's credentials (the reset page reads the one it
 * resets, lib/devices/registrations.ts devicesForCredential). Its `trigger_ip` flags are not recorded
 * then, only `scanner`: whether the calls' address is the customer's own office (`own_network`, 5
 * phones of 3 credentials there) takes every credential's bindings, and a tester's office, whose
 * reset pages each read 2 of its phones, had every credential it opened recorded a suspect for good
 * (first sighting wins) and its lift held (2026-12-07). The block page, the staff pages and the
 * switch outbox's check before the rotation's lift read every credential.
 * Never throws: a failure is logged and the page carries on. Returns how many rows it recorded, or
 * null when recording failed (the switch outbox then sends nothing: it may not lift on a read it
 * could not record).
 */
export async function recordSuspects(
  accountId: string,
  read: readonly CredentialDevices[],
  now: Date = sharedNow(),
  lifting: readonly string[] = [],
  { partial = false }: { partial?: boolean } = {},
): Promise<number | null> {
  type Candidate = { credentialId: string; sourceIp: string; ip: boolean; scanner: boolean };
  const candidates: Candidate[] = read.flatMap((c) =>
    (c.bindings ?? [])
      .map((b) => {
        const flags = suspectFlags(b);
        return {
          credentialId: c.id,
          sourceIp: normalizeIp(b.sourceIp) ?? b.sourceIp,
          // A read of some of the account's credentials cannot tell the office's own network (its
          // phones under the other credentials are not in it): its `trigger_ip` is no evidence.
          ip: flags.ip && !partial,
          scanner: flags.scanner,
        };
      })
      .filter((x) => x.ip || x.scanner),
  );
  if (candidates.length === 0) return 0;
  // A page's read that found what this process recorded a moment ago (an open block page renders again
  // every few seconds, and a fraud wave's notice links are opened at once) asks the database nothing.
  const seen =
    lifting.length === 0
      ? `${accountId}\u0000${candidates
          .map((c) => `${c.credentialId}|${c.sourceIp}|${c.ip ? 1 : 0}${c.scanner ? 1 : 0}`)
          .sort()
          .join(',')}`
      : null;
  if (seen !== null && (recentlyRecorded.get(seen) ?? 0) > Date.now()) return 0;
  const usernames = new Map(read.map((c) => [c.id, c.username]));
  try {
    const recorded = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<
        { blockId: string; credentialId: string; reason: SuspectReason; sourceIp: string }[]
      >(suspectInsert(accountId, candidates, now, lifting));
      for (const r of rows)
        await audit(
          {
            action: 'block.suspect_credential',
            actor: null,
            accountId,
            target: { type: 'block', id: r.blockId },
            detail: {
              username: usernames.get(r.credentialId) ?? r.credentialId,
              sourceIp: r.sourceIp,
              // Not `reason`: the audit table reads that key as a block's reason (lib/staff/audit-detail.ts).
              seenAs: r.reason,
            },
          },
          tx,
        );
      return rows.length;
    });
    if (seen !== null) {
      if (recentlyRecorded.size >= RECENTLY_RECORDED_MAX)
        recentlyRecorded.delete(recentlyRecorded.keys().next().value!);
      recentlyRecorded.set(seen, Date.now() + RECENTLY_RECORDED_MS);
    }
    return recorded;
  } catch (e) {
    log().error({ accountId, error: errorForLog(e) }, 'recording suspect credentials failed');
    return null;
  }
}

/**
 * How long a page's read whose flagged bindings this process has just recorded is not recorded again,
 * in ms. Only pages' reads (recordSuspects without `lifting`): what they record is shown from the live
 * read as well (withLiveSuspects), and before the rotation's lift is sent the switch outbox reads and
 * records without this memory (lib/switch/outbox.ts), so a block placed within it, whose suspect a
 * page then did not record, is still held (issue 14: the block page's statements per view).
 */
const RECENTLY_RECORDED_MS = 5 * 60_000;
/** Reads remembered at most (the oldest forgotten first). */
const RECENTLY_RECORDED_MAX = 1000;
/** Account and flagged bindings of a page's read → until when it is not recorded again (epoch ms). */
const recentlyRecorded = new Map<string, number>();

/**
 * The one statement of recordSuspects: the candidates (each binding with a flag, in the read's order,
 * `ord`) against every active block of the account, and each of `lifting` waiting for its lift
 * (`lift_pending`): a candidate with `trigger_ip` counts for a block
 * when its host is one of that block's calls' hosts (lib/geo/ip-country.ts hostAddress on both
 * sides, as lib/devices/registrations.ts flagsFor compares them: a tunnel's IPv6 form, 6to4, NAT64 or
 * Teredo, is the IPv4 address it carries; the calls' stored in TriggerCall.sourceHost when they were,
 * lib/blocks/event-sql.ts callHost: calls reported from `2002:b9dc:6505::1` count a binding
 * from 185.220.101.5, and the reverse),
 * one with `scanner` for every block; a credential the block's calls name (by SIP username) does not
 * count. One row per (block, credential) (ROW_NUMBER: a trigger address first, then `ord`), inserted
 * unless one is there (ON CONFLICT DO NOTHING), the inserted rows returned. The candidates are typed
 * TEXT and INTEGER by CAST (PostgreSQL types a bare parameter in a SELECT list as unknown). SQLite
 * needs the WHERE before ON CONFLICT (its parser's rule for INSERT … SELECT … ON CONFLICT).
 */
function suspectInsert(
  accountId: string,
  candidates: readonly { credentialId: string; sourceIp: string; ip: boolean; scanner: boolean }[],
  now: Date,
  lifting: readonly string[],
): Prisma.Sql {
  // Each candidate with an id of its own for the row it may become (one row per block and credential:
  // the block's id is appended, as a candidate may count for several blocks).
  const cand = Prisma.join(
    candidates.map(
      (c, i) =>
        Prisma.sql`SELECT CAST(${newRowId()} AS TEXT) AS "id", CAST(${c.credentialId} AS TEXT) AS "credentialId",
          CAST(${c.sourceIp} AS TEXT) AS "sourceIp", CAST(${hostAddress(c.sourceIp) ?? c.sourceIp} AS TEXT) AS "host",
          CAST(${c.ip ? 1 : 0} AS INTEGER) AS "ip",
          CAST(${c.scanner ? 1 : 0} AS INTEGER) AS "scanner", CAST(${i} AS INTEGER) AS "ord"`,
    ),
    ' UNION ALL ',
  );
  const waiting = lifting.length
    ? Prisma.sql` OR (b."status" = 'lift_pending' AND b."id" IN (${Prisma.join([...lifting])}))`
    : Prisma.empty;
  const open = Prisma.sql`(b."status" = 'active'${waiting})`;
  // By host on both sides: the call's (TriggerCall.sourceHost, lib/blocks/event-sql.ts callHost;
  // its sourceIp on a row stored before migration 0037) and the binding's (`host`). `sourceIp` as well
  // for such an old row reported in a tunnel's form: a binding from that very form still counts.
  const fromItsCalls = Prisma.sql`v."ip" = 1 AND EXISTS (SELECT 1 FROM "TriggerCall" t
    WHERE t."blockId" = b."id" AND COALESCE(t."sourceHost", t."sourceIp") IN (v."sourceIp", v."host"))`;
  return Prisma.sql`
    INSERT INTO "BlockSuspectCredential" ("id", "blockId", "credentialId", "reason", "sourceIp", "firstSeenAt")
    SELECT x."id" || '-' || x."blockId", x."blockId", x."credentialId", x."reason", x."sourceIp", ${now}
    FROM (
      SELECT v."id", b."id" AS "blockId", v."credentialId", v."sourceIp",
        CASE WHEN ${fromItsCalls} THEN 'trigger_ip' ELSE 'scanner' END AS "reason",
        ROW_NUMBER() OVER (PARTITION BY b."id", v."credentialId"
          ORDER BY CASE WHEN ${fromItsCalls} THEN 0 ELSE 1 END, v."ord") AS "rn"
      FROM (${cand}) v
      JOIN "SipCredential" s ON s."id" = v."credentialId" AND s."accountId" = ${accountId}
      JOIN "Block" b ON b."accountId" = ${accountId} AND ${open}
      WHERE (v."scanner" = 1 OR ${fromItsCalls})
        AND NOT EXISTS (SELECT 1 FROM "TriggerCall" n WHERE n."blockId" = b."id" AND n."sipUsername" = s."username")
    ) x
    WHERE x."rn" = 1
    ON CONFLICT ("blockId", "credentialId") DO NOTHING
    RETURNING "blockId", "credentialId", "reason", "sourceIp"`;
}

/**
 * The suspect credentials of the blocks `blockIds`, by block then credential id: what the portal
 * recorded (recordSuspects). One statement, by the (blockId, credentialId) unique index.
 */
export async function suspectsOfBlocks(
  blockIds: readonly string[],
): Promise<Map<string, Map<string, Suspected>>> {
  const out = new Map<string, Map<string, Suspected>>();
  if (blockIds.length === 0) return out;
  const rows = await db.blockSuspectCredential.findMany({
    where: { blockId: { in: [...blockIds] } },
    select: { blockId: true, credentialId: true, reason: true, sourceIp: true },
  });
  for (const r of rows) {
    const m = out.get(r.blockId) ?? new Map<string, Suspected>();
    m.set(r.credentialId, { reason: r.reason as SuspectReason, sourceIp: r.sourceIp });
    out.set(r.blockId, m);
  }
  return out;
}

/**
 * The block page's credentials with what this page view's live read of the switch (`read`, the
 * page's devicesOfBlock: flagged against this block's own trigger IPs) shows beside what was recorded
 * before it: the page reads the block and the switch in parallel, so a credential recordSuspects
 * records during this very view is not in `block.credentials` yet. A credential already `suspected`
 * keeps its record (first sighting wins), a named one is never suspected, and only an `active`
 * block takes new ones (recordSuspects' rule): a binding flagged `trigger_ip` first, then `scanner`,
 * in the read's order. Pure; returns `block` itself when nothing changes.
 */
export function withLiveSuspects<
  B extends {
    status: string;
    credentials: readonly { id: string; named: boolean; suspected: Suspected | null }[];
  },
>(block: B, read: readonly CredentialDevices[]): B {
  if (block.status !== 'active') return block;
  const seen = new Map<string, Suspected>();
  for (const c of read) {
    const bindings = c.bindings ?? [];
    const ip = bindings.find((b) => suspectFlags(b).ip);
    const scanner = bindings.find((b) => suspectFlags(b).scanner);
    const b = ip ?? scanner;
    if (b)
      seen.set(c.id, {
        reason: ip ? 'trigger_ip' : 'scanner',
        sourceIp: normalizeIp(b.sourceIp) ?? b.sourceIp,
      });
  }
  if (!block.credentials.some((c) => !c.named && !c.suspected && seen.has(c.id))) return block;
  return {
    ...block,
    credentials: block.credentials.map((c) =>
      !c.named && !c.suspected && seen.has(c.id) ? { ...c, suspected: seen.get(c.id)! } : c,
    ),
  };
}

/**
 * How a page words suspect `s` of a block whose calls came from `callIps` (the block's distinct call
 * addresses, as the switch reported them): its reason, its address, and, for a credential registered
 * from the calls' host but not from an address the calls table shows (a tunnel's or translator's form
 * of it, or another address of its IPv6 /64: lib/geo/ip-country.ts hostAddress), `sameHost` with the
 * call address it shares a host with (`callIp`), so the page says "the same machine or network as
 * the fraud calls from 185.220.101.5" instead of calling `2002:b9dc:6505::1` "the address of the
 * fraud calls", which the calls table does not list (a tester, 2026-12-07). Pure.
 */
export function suspectWords(
  s: Suspected,
  callIps: readonly string[],
): { reason: SuspectReason | 'sameHost'; ip: string; callIp: string } {
  const plain = { reason: s.reason, ip: s.sourceIp, callIp: '' };
  if (s.reason !== 'trigger_ip' || callIps.includes(s.sourceIp)) return plain;
  const host = hostAddress(s.sourceIp);
  const callIp = host === null ? undefined : callIps.find((ip) => hostAddress(ip) === host);
  return callIp === undefined ? plain : { reason: 'sameHost', ip: s.sourceIp, callIp };
}

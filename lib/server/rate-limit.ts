import 'server-only';
import crypto from 'node:crypto';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db, type Db } from '@/lib/server/db';

// rate-limiter-flexible over the database, so limits hold across several app instances.
type Limit = { points: number; duration: number; blockDuration?: number };

export const LIMITS = {
  // Password sign-in (keys: lib/auth/limit-keys.ts).
  /** Wrong passwords for one email from one client address (IPv4, or IPv6 /64). */
  signInEmailIp: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /**
   * Attempts from one client address, whatever the email. Shared by everyone behind that address (an
   * office or carrier NAT): its refusal sends the person to "Email me a sign-in link", which a
   * stranger there cannot hold back (`emailLinkIp`).
   */
  signInIp: { points: 50, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Attempts for one email from browsers it never signed in with, all addresses together. */
  signInEmail: { points: 100, duration: 60 * 60, blockDuration: 60 * 60 },
  /** Attempts from one known browser (its device cookie): its own allowance, untouched by strangers. */
  signInDevice: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  /**
   * Failed attempts for one email from all its known browsers together, per epoch of the login (key
   * "<email> <epoch>", lib/auth/known-device.ts): many cookies do not multiply `signInDevice`. Only a
   * browser that completed a sign-in since the login's last revocation holds such a cookie, so no
   * stranger can spend it, and a revocation starts a fresh one.
   */
  signInEmailDevices: { points: 30, duration: 60 * 60, blockDuration: 60 * 60 },
  // "Email me a sign-in link".
  /**
   * Sign-in links asked for from one address (an office behind one address may have several people).
   * Over it nothing more is sent from there, but for the past-ceiling link of a mailbox that holds no
   * live one (within `emailLinkPastCeilingIp`): a stranger behind the same NAT must not keep
   * colleagues from getting in by email.
   */
  emailLinkIp: { points: 30, duration: 60 * 60 },
  /** Sign-in links asked for one email from one address; over it, the requester is told to wait. */
  emailLinkEmailIp: { points: 5, duration: 60 * 60 },
  /** Links mailed to one address from unknown browsers; over it, nothing more is sent that hour. */
  emailLink: { points: 20, duration: 60 * 60 },
  emailLinkDevice: { points: 5, duration: 60 * 60 },
  /**
   * Past `emailLink` or `emailLinkIp`, one link per email while its mailbox holds no live one
   * (lib/auth/email-link.ts): one point per requested link's lifetime (REQUESTED_LINK_MAX_AGE_SEC, 15
   * minutes; a unit test holds them equal), so parallel requests cannot send a burst.
   */
  emailLinkPastCeiling: { points: 1, duration: 15 * 60 },
  /**
   * Past-ceiling links mailed from one client address (IPv4, or IPv6 /64) to unknown browsers, whatever
   * the emails: `emailLinkPastCeiling` is per email, so without this one address looping over many
   * logins' emails past its `emailLinkIp` mailed each of them 4 links an hour (security re-review,
   * 2026-12-05). Spent only by a link actually queued for a login (lib/auth/email-link.ts), so a
   * stranger's made-up emails behind the same NAT cannot spend it. Over it nothing is sent from there
   * (the answer stays the same): one address mails at most 30 + 30 links an hour.
   */
  emailLinkPastCeilingIp: { points: 30, duration: 60 * 60 },
  /** Second-factor codes per user; failures also add up across windows (lib/auth/mfa/lockout.ts). */
  totp: { points: 5, duration: 5 * 60, blockDuration: 5 * 60 },
  /** One use per user and TOTP time step (codes stay valid ±30 s, so 2 minutes covers them). */
  totpStep: { points: 1, duration: 2 * 60 },
  // SIP password changes (lib/credentials/reset.ts countReset), counted before the switch is called; a
  // change the switch refused (known not applied), or that was never sent, is given back. Keys are the
  // login's own: no stranger, and no other member of the account, can spend them. After a PBX
  // compromise a business rotates every credential it has (20 to 80) in one sitting, and the lift rule
  // needs every credential named in the block's calls rotated (DESIGN.md): one limit of 20 changes an
  // hour per login refused the 21st. docs/operations.md, "Rate limits on SIP password changes".
  /** Changes of one credential by one login (key "<user id> <credential id>"): none hammered. */
  sipPasswordCredential: { points: 5, duration: 60 * 60 },
  /**
   * Changes by one login, all its credentials together (key: the user id). Its `points` is the floor:
   * the ceiling of a login is twice the credentials it can reach (resetCeiling in reset.ts, passed to
   * `consume` as `points`), so rotating each of them twice in an hour is never refused.
   */
  sipPassword: { points: 20, duration: 60 * 60 },
  /** Wrong current passwords on the portal password change, per user (a stolen session guessing it). */
  passwordChange: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /**
   * Candidate passwords scored for one user (lib/passwords/check.ts): a candidate that may be costly
   * (about 0.75 s of a core in the worst case, within a 5 s deadline) spends CHECK_COST.costly (10),
   * so 30 of them per 15 minutes, as before; one of letters, digits and `-_.` (every generated
   * password) spends CHECK_COST.cheap (1): 300 per 15 minutes, a whole PBX rotated in one sitting.
   */
  passwordCheckUser: { points: 300, duration: 15 * 60 },
  /** Candidates scored for one client address (IPv4, or IPv6 /64), whoever asks: 120 costly, 1 200 cheap. */
  passwordCheckAddress: { points: 1200, duration: 15 * 60 },
  // Customer requests to support: unblock (misdial, firewall) and country allowance requests together,
  // counted when one is filed (it mails a receipt and waits in support's queue); one that is not filed
  // (already open, block lifted, refused by these limits) is given back (lib/requests/submit.ts
  // countRequest). Keys are the login's own: no stranger can spend them, and another member of the
  // account has their own. docs/operations.md, "Rate limits on customer requests".
  /**
   * Requests one login files about one block (key "<user id> <block id>"). One unblock request per
   * block waits at a time (its open key), so this bounds the file-withdraw-file loop and allowance
   * requests for country after country; a new block is a new situation and starts at 0.
   */
  requestPerBlock: { points: 5, duration: 24 * 60 * 60 },
  /** Requests one login files about all its blocks together (key: the user id): a ceiling for floods. */
  requestPerLogin: { points: 20, duration: 24 * 60 * 60 },
  /** Enrolment codes mailed to one login (lib/auth/mfa/enrol-proof.ts): each replaces the last. */
  enrolProof: { points: 5, duration: 60 * 60 },
  /** …and per day, so a session left open cannot keep guessing (5 tries a code) hour after hour. */
  enrolProofDay: { points: 10, duration: 24 * 60 * 60 },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/**
 * RateLimiterPrisma with each counted attempt in one statement. The library's Prisma store counts an
 * attempt with two model calls (a `deleteMany` of the key's expired row, then an `upsert`), each
 * through Prisma's query pipeline; a password check spends two counters, so four model calls of
 * request-thread work per check (issue 14 goal 7, bench/README.md "password-check"). This store counts
 * it with the one `INSERT … ON CONFLICT DO UPDATE … RETURNING` that the library's own SQLite and
 * PostgreSQL stores use, on the same table and with the same result: a row whose window has expired
 * starts a new one (`points` = this attempt's, `expire` = now + duration); any other row is
 * incremented in the database, so concurrent attempts are all counted; a new key is inserted. Unlike
 * the library's, a point given back (`reward`) never takes a counter below 0. Reads, deletes and
 * forced expiries (`block`, `set`) stay the library's.
 */
class RateLimiterPrismaOneStatement extends RateLimiterPrisma {
  readonly #db: Db;

  constructor(opts: ConstructorParameters<typeof RateLimiterPrisma>[0] & { storeClient: Db }) {
    super(opts);
    this.#db = opts.storeClient;
  }

  /** The store's write (RateLimiterStoreAbstract): `points` added to `key`'s window of `msDuration` ms. */
  async _upsert(key: string, points: number, msDuration: number, forceExpire = false) {
    // @ts-expect-error -- the store methods are not in rate-limiter-flexible's types
    if (forceExpire) return super._upsert(key, points, msDuration, forceExpire);
    const now = new Date();
    const expire = msDuration > 0 ? new Date(now.getTime() + msDuration) : null;
    // Dates are bound as Prisma binds them for its own writes (SQLite stores the same ISO-8601 text,
    // so text order is time order; PostgreSQL compares timestamps). A NULL expiry never expires.
    // A point given back (`points` < 0: reward) never takes a counter below 0: given back to a window
    // that has just ended, or to a row purged or reset meanwhile, it would be an extra attempt.
    const fresh = Math.max(points, 0);
    const rows = await this.#db.$queryRaw<{ points: number | bigint; expire: Date | string | null }[]>(
      Prisma.sql`
      INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES (${key}, ${fresh}, ${expire})
      ON CONFLICT ("key") DO UPDATE SET
        "points" = CASE WHEN "RateLimiterFlexible"."expire" <= ${now} THEN excluded."points"
          WHEN "RateLimiterFlexible"."points" + ${points} < 0 THEN 0
          ELSE "RateLimiterFlexible"."points" + ${points} END,
        "expire" = CASE WHEN "RateLimiterFlexible"."expire" <= ${now} THEN excluded."expire"
          ELSE "RateLimiterFlexible"."expire" END
      RETURNING "points", "expire"`,
    );
    return { points: Number(rows[0].points), expire: rows[0].expire };
  }
}

const limiters = new Map<string, RateLimiterPrisma>();

/**
 * The limiter of `name`, allowing `points` per window (default: LIMITS[name].points). Limiters of one
 * name with different `points` share its counters (the rows are keyed by the name and the key; the
 * library compares the count with `points` after the write, RateLimiterStoreAbstract._afterConsume):
 * how a ceiling is sized per caller (`sipPassword`).
 */
function limiter(name: LimitName, points: number = LIMITS[name].points): RateLimiterPrisma {
  const id = `${name} ${points}`;
  let l = limiters.get(id);
  if (!l) {
    l = new RateLimiterPrismaOneStatement({
      // The proxy, not a client: the limiter follows the database the app (or a test) uses now.
      storeClient: db,
      tableName: 'rateLimiterFlexible',
      keyPrefix: name,
      // One timer per limiter and instance otherwise; purgeExpiredLimits (a worker) does it once.
      clearExpiredByTimeout: false,
      ...LIMITS[name],
      points,
    });
    limiters.set(id, l);
  }
  return l;
}

/** Keys are hashed: a 10 KB email or an IPv6 address becomes a fixed-size key, and no PII sits in the table. */
const k = (key: string) => crypto.createHash('sha256').update(key.toLowerCase()).digest('base64url');

/** limited: no attempt is left after this one; rejected: this attempt itself was over the limit. */
export type LimitStatus =
  { limited: false; rejected?: false } | { limited: true; rejected: boolean; retryAfterSec: number };

/**
 * How one attempt counts: `cost`, the points it spends (default 1: a weighted limit such as
 * `passwordCheckUser` spends more for a costlier attempt); `points`, the counter's allowance per window
 * for this caller, instead of LIMITS[name].points (a ceiling sized per caller: `sipPassword`). Whole
 * numbers of at least 1.
 */
export type Count = { cost?: number; points?: number };

/**
 * Counts one attempt (`cost` points, default 1, against `points`, default LIMITS[name].points: Count).
 * Call it BEFORE doing the costly or guessable thing, so a burst of parallel requests cannot all pass
 * a check that only counts afterwards. `limited` once nothing is left of the window's points;
 * `rejected` when this attempt went over them; `retryAfterSec`, when the window ends.
 */
export async function consume(name: LimitName, key: string, count: Count = {}): Promise<LimitStatus> {
  try {
    const res = await limiter(name, count.points).consume(k(key), count.cost ?? 1);
    return res.remainingPoints <= 0
      ? { limited: true, rejected: false, retryAfterSec: Math.ceil(res.msBeforeNext / 1000) }
      : { limited: false };
  } catch (e) {
    if (e instanceof RateLimiterRes)
      return { limited: true, rejected: true, retryAfterSec: Math.ceil(e.msBeforeNext / 1000) };
    throw e;
  }
}

/**
 * Counts one attempt on each counter (each with its own Count), in order, and stops at the first that
 * refuses it. `over`: that counter (with its status), or null when all accepted. `last`: a counter on
 * which this attempt was the last one allowed (its status is `limited`), or null; `lastBy` names it.
 * Each counter is its own statement: when one throws (the database failed: no free connection, a
 * lock not granted in time), the points this call counted on the counters before it are given back
 * (best effort) and the error is thrown on, so that an attempt the database cut short counts on none
 * (a caller then says that nothing changed: lib/server/db/unavailable.ts firstStatement).
 */
export async function consumeAll(
  keys: ({ name: LimitName; key: string } & Count)[],
): Promise<{
  over: { name: LimitName; status: LimitStatus } | null;
  last: LimitStatus | null;
  lastBy: LimitName | null;
}> {
  let last: LimitStatus | null = null;
  let lastBy: LimitName | null = null;
  const counted: { name: LimitName; key: string; cost?: number }[] = [];
  for (const { name, key, cost, points } of keys) {
    let status: LimitStatus;
    try {
      status = await consume(name, key, { cost, points });
    } catch (e) {
      await Promise.all(counted.map((c) => reward(c.name, c.key, c.cost))).catch(() => undefined);
      throw e;
    }
    counted.push({ name, key, cost });
    if (status.limited && status.rejected) return { over: { name, status }, last, lastBy };
    if (status.limited) [last, lastBy] = [status, name];
  }
  return { over: null, last, lastBy };
}

/**
 * Gives back `points` (default 1: what `consume` spent): an attempt counted in advance that is not to
 * count after all (a success, a request that was not filed: lib/requests/submit.ts countRequest, a
 * SIP password change the switch refused: lib/credentials/reset.ts countReset). Never below 0.
 */
export async function reward(name: LimitName, key: string, points = 1): Promise<void> {
  await limiter(name).reward(k(key), points);
}

export async function reset(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(k(key));
}

/**
 * Deletes every counter row whose window (and block) ended before `now`, in one statement, and
 * returns how many went. Such a row means nothing to the limiter (it starts a new window over an
 * expired row), but without this a stranger rotating addresses and emails would grow the table
 * without bound. Run periodically by the `rate-limit-purge` worker (lib/server/workers.ts).
 */
export async function purgeExpiredLimits(now = new Date()): Promise<number> {
  const { count } = await db.rateLimiterFlexible.deleteMany({ where: { expire: { lt: now } } });
  return count;
}

import 'server-only';
import { z } from 'zod';
import { asciiEmail } from '@/lib/auth/email-address';
import { isStaff, STAFF_ROLES } from '@/lib/auth/roles';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import type { Role } from '@/lib/generated/sqlite/enums';
import { withoutControlCharacters } from '@/lib/server/control-characters';
import { db } from '@/lib/server/db';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { AUDIT_ACTIONS, type AuditAction } from '@/lib/audit/names';
import { CATALOGUES } from '@/lib/i18n/translate';
import { dayStart } from '@/lib/time/day';
import { readAccountFilter } from './account-filter';
import { readAuditDetail, signInStage } from './audit-detail';
import { encodeCursor, inDatabaseYears, readCursor, timeIdKey } from './cursor';

// The audit log, newest first, with keyset pagination on (at, id): every page is an index range
// scan, however deep, on AuditLog(at) or on the (accountId|actorId|action, at) index of the filter.

const PAGE = 50;

/** The filters of the audit log a person types or a link carries: each can be one that cannot be read. */
export const AUDIT_FILTER_FIELDS = ['account', 'actor', 'action', 'from', 'to'] as const;
export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];

/**
 * The audit log's filters (auditFilterSchema reads them from the URL): `account` as typed (listAudit
 * reads it with readAccountFilter), `actor` as logins are stored (or a system actor's id), `action`,
 * days `from` and `to` (YYYY-MM-DD on the reader's clock), the cursor `before`; and `unreadable`, the
 * filters whose value cannot be read as what the field holds (kept as typed, so that the page can say
 * it back): listAudit then answers that, never with the unfiltered log.
 */
export type AuditFilter = {
  account?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  before?: string;
  unreadable?: AuditFilterField[];
};

// A filter value is text from the URL, read as the staff search box reads what is typed
// (withoutControlCharacters, as searchedText does): a control character is a space (NUL would be a
// 500 on PostgreSQL) and an invisible formatting character is dropped (a number pasted from iOS
// Contacts comes wrapped in U+202D…U+202C, an address copied from a mail may end in a zero-width
// space), then the ends are trimmed; nothing left is no filter. Before 2026-12-05 such a value, or
// one over the field's length, was no filter at all: the whole log was shown as if it were the answer.
const typed = z
  .string()
  .transform((v) => withoutControlCharacters(v).trim() || undefined)
  .optional()
  .catch(undefined);

/** The longest address a login can have (RFC 5321's path). */
const ACTOR_MAX = 254;
/** An action's code: words of lower-case letters, digits and "_" joined by dots ("customer_user.signed_out"). */
const ACTION_CODE = /^[a-z0-9_]+(?:\.[a-z0-9_]+)*$/;
const ACTION_MAX = 64;

/**
 * The filters `f` (cleaned text, see `typed`) as listAudit uses them, with `unreadable` naming each
 * one that cannot be read: an account that is not an account number as the field reads it
 * (readAccountFilter, as the queue's: "ACC-1001", "acc 1001", "1001"), an actor longer than an address can be, an
 * action that is not an action's code, a day that is not a date. A day outside the years the
 * databases hold (0000-01-01, a 500 on PostgreSQL) is a date that bounds nothing: no filter.
 */
function readFilters(f: Omit<AuditFilter, 'unreadable'>): AuditFilter {
  const unreadable: AuditFilterField[] = [];
  if (f.account && !readAccountFilter(f.account)?.number) unreadable.push('account');
  let actor = f.actor;
  if (actor && [...actor].length > ACTOR_MAX) unreadable.push('actor');
  else if (actor) {
    // As logins are stored (lib/auth/email-address.ts): lower-cased, the domain in ASCII, so an address
    // typed as the portal shows it (ana@bücher.example) finds ana@xn--bcher-kva.example. A value that
    // is not an address (`operator-cli`) stays as typed, lower-cased.
    const lower = actor.toLowerCase();
    actor = systemActorTyped(lower) ?? asciiEmail(lower) ?? lower;
  }
  let action = f.action;
  if (action && action.length <= ACTION_MAX && ACTION_CODE.test(action.toLowerCase()))
    action = action.toLowerCase();
  else if (action) unreadable.push('action');
  const day = (field: 'from' | 'to') => {
    const v = f[field];
    if (!v) return undefined;
    if (!z.iso.date().safeParse(v).success) {
      unreadable.push(field);
      return v;
    }
    return inDatabaseYears(new Date(`${v}T00:00:00Z`)) ? v : undefined;
  };
  const from = day('from');
  const to = day('to');
  return { account: f.account, actor, action, from, to, before: f.before, unreadable };
}

/**
 * The audit log's filters from the URL's parameters (`account`, `actor`, `action`, `from`, `to`,
 * `before`: each a string or absent) as an AuditFilter. Never throws: a value that is not a string is
 * no filter; one that cannot be read is kept and named in `unreadable` (readFilters).
 */
export const auditFilterSchema = z
  .object({
    account: typed,
    actor: typed,
    action: typed,
    from: typed,
    to: typed,
    before: z.string().optional().catch(undefined),
  })
  .transform(readFilters);

/**
 * Staff management (`staff_user.*`: created, disabled, enabled, role changed with its reason, second
 * factor reset): an admin's to read, as the staff list (/staff/users) is theirs alone. Least privilege
 * (OWASP ASVS 5.0 V8, access control: a function's data only to the roles that need it).
 */
const ADMIN_ONLY_ACTIONS: ReadonlySet<string> = new Set(
  AUDIT_ACTIONS.filter((a) => a.startsWith('staff_user.')),
);

/**
 * The actions whose subject is the person who acted or whose address was typed: sign-ins (tried,
 * throttled, links), sign-outs, password changes, the second factor, the profile, and access refused.
 * Another staff member's such rows (their sign-in forensics: addresses, browsers) are an admin's to read.
 */
const PERSONAL_ACTIONS: readonly AuditAction[] = AUDIT_ACTIONS.filter(
  (a) => /^(sign_in|sign_out|password|mfa|profile)(\.|$)/.test(a) || a === 'access.denied',
);

/**
 * The actions a staff member of `role` may read in the audit log, in AUDIT_ACTIONS' order: the action
 * filter's options (components/staff/audit-filters.tsx). An admin, every one; an agent, all but staff
 * management (ADMIN_ONLY_ACTIONS). listAudit applies no other action (unappliedAction).
 */
export function auditActionsFor(role: Role): readonly AuditAction[] {
  return role === 'admin' ? AUDIT_ACTIONS : AUDIT_ACTIONS.filter((a) => !ADMIN_ONLY_ACTIONS.has(a));
}

/** Why the action a link names is not applied: no action has that code, or the reader's role may not read it. */
export type UnappliedAction = 'unknown' | 'hidden';

/**
 * Why the audit log does not apply `action` (a readable code, as auditFilterSchema gives it) for a
 * reader of `role`, or null when it does (or none is named): `unknown` when no action has that code
 * (AUDIT_ACTIONS; a link edited by hand or from an older version), `hidden` when it is one the role
 * may not read (auditActionsFor: staff management, to an agent). The filter's select cannot offer
 * either, so without a word the page read "Any action" over "No entries match" (review of 2026-12-08).
 */
export function unappliedAction(role: Role, action: string | undefined): UnappliedAction | null {
  if (!action) return null;
  if (!(AUDIT_ACTIONS as readonly string[]).includes(action)) return 'unknown';
  return (auditActionsFor(role) as readonly string[]).includes(action) ? null : 'hidden';
}

/**
 * The conditions that hide, from an agent (`reader`, not an admin), the rows about other staff:
 * staff management (ADMIN_ONLY_ACTIONS, unless `action` is the filter's: then the caller has answered
 * already), rows whose target is another staff login (the operator CLI's user.* about them), another
 * staff member's own PERSONAL_ACTIONS (sign-ins, sessions, second factor, access refused), and the
 * sign-ins tried with another staff member's address (no login behind the row, `actorEmail` theirs).
 * "Staff" is each login's role now. Empty for an admin. Each condition is written out for NULL (a
 * bare `NOT IN` is unknown for a NULL column, which would hide the row): none of them can use an
 * index, so the page stays the range scan of the filter's (…, at) index it was, with each row checked
 * against the few staff ids (lists of the staff logins, which are few: tens, not thousands).
 */
async function hiddenFromReader(
  reader: CurrentUser,
  action: string | undefined,
): Promise<Prisma.AuditLogWhereInput[]> {
  if (reader.role === 'admin') return [];
  const staff = await db.user.findMany({
    where: { role: { in: [...STAFF_ROLES] }, id: { not: reader.id } },
    select: { id: true, email: true },
  });
  const ids = staff.map((s) => s.id);
  const emails = staff.map((s) => s.email);
  const visible: Prisma.AuditLogWhereInput[] = action ? [] : [{ action: { notIn: [...ADMIN_ONLY_ACTIONS] } }];
  if (ids.length === 0) return visible;
  return [
    ...visible,
    { OR: [{ targetId: null }, { targetId: { notIn: ids } }] },
    { OR: [{ actorId: null }, { actorId: { notIn: ids } }, { action: { notIn: [...PERSONAL_ACTIONS] } }] },
    { OR: [{ actorId: { not: null } }, { actorEmail: null }, { actorEmail: { notIn: emails } }] },
  ];
}

/** The actors with no login whose rows the filter finds: the switch, and the operator CLI. */
const SYSTEM_ACTORS = ['switch', 'operator-cli'] as const;

/**
 * The system actor an agent typed in the actor filter, or null: its id (`switch`, `operator-cli`), or
 * its name as the audit table shows it in any of the portal's languages (`actors.*`: "the switch", "el
 * switch"), in any case, spaces collapsed. Anything else is read as a login's email.
 */
export function systemActorTyped(typed: string): (typeof SYSTEM_ACTORS)[number] | null {
  const words = typed.trim().replace(/\s+/g, ' ').toLowerCase();
  for (const id of SYSTEM_ACTORS) {
    if (words === id) return id;
    for (const c of Object.values(CATALOGUES)) if (c.actors[id].toLowerCase() === words) return id;
  }
  return null;
}

/** Why the actor filter is not applied for this reader: it names a colleague (another staff login) with an action that only finds their own rows. */
export type UnappliedActor = 'colleague';

/**
 * Whether the actor filter's login (`actor`: its id and role, null for no login) is a colleague of
 * `reader`: another staff login (its role now), read by an agent, whose sign-ins, sessions, second
 * factor and access refused (PERSONAL_ACTIONS), and staff management, are an admin's to read
 * (hiddenFromReader). The reader's own address, a customer's, and an address that is no login's are not.
 */
function colleagueOf(reader: CurrentUser, actor: { id: string; role: Role } | null): boolean {
  return reader.role !== 'admin' && !!actor && actor.id !== reader.id && isStaff(actor);
}

/**
 * One page (50) of the audit log, newest first (at, then id), filtered by account number (as stored,
 * or typed as heard: "acc 1001", "1001", readAccountFilter), actor (a user's email as stored or
 * as shown, `operator-cli`, or `switch`: systemActorTyped), action and days (`f.from` to `f.to`, both
 * included, on the clock of the caller's `timeZone`, as the log's times are shown). `f.before` is the
 * cursor of the previous page; a damaged one gives the first page with `badCursor: true`.
 *
 * Returns `{ entries, next, unknown, unmatched, unreadable, actionNotApplied, actorNotApplied,
 * colleagueWorkOnly, badCursor }`: `next` is the cursor of the following page or null. When a filter
 * cannot be applied no entry of the log is read (an answer to filters the agent did not set would read
 * as the answer to those they did), and the answer names every reason at once, so that correcting one
 * does not reveal the next (review of 2026-12-08, Tester S):
 * - `unreadable`: the filters that could not be read (`f.unreadable`, from auditFilterSchema);
 * - `unmatched` (undefined when none): the readable filters that matched nothing, in the form's order:
 *   `account` (no such account), `days` (the first day after the last), and, only when nothing else
 *   stopped the query, `actor` (no such user and no row by that name); `unknown` is its first, or null;
 * - `actionNotApplied` (undefined when applied): why a readable action is not one this reader may
 *   filter by (unappliedAction: `unknown`, or `hidden` from their role);
 * - `actorNotApplied` (undefined when applied): `colleague` when an agent names another staff login
 *   (colleagueOf) together with one of the actions about the person who acted (PERSONAL_ACTIONS:
 *   sign-ins, sessions, second factor, access refused), which are all an admin's to read.
 * These are checked before any query of the audit log or of the staff logins; only the account and
 * the actor's login are looked up (to say that they match nothing, or who the actor is).
 * `colleagueWorkOnly` is true when an agent names a colleague with no action: the entries are their
 * work on customer accounts only, and the page says so beside them (else undefined).
 * Each entry's `targetHref` is where the caller can see its target (targetHref), and `signIn` how far
 * a sign-in row's sign-in got (lib/staff/audit-detail.ts signInStage, from the stored text).
 * An agent reads the rows about customer accounts and customer logins, and their own; the rows about
 * other staff (staff management, another staff member's sign-ins and sessions, sign-ins tried with
 * their address) are an admin's (hiddenFromReader).
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function listAudit(user: CurrentUser, f: AuditFilter) {
  assertStaff(user);
  const read = readCursor(timeIdKey, f.before);
  const cursor = read.ok ? read.key : null;
  const badCursor = !read.ok;
  const unreadable = f.unreadable ?? [];
  const readable = (field: AuditFilterField) => !unreadable.includes(field);
  // Filters name things people know (ACC-1001, an email); resolve them to the indexed ids first.
  // An account number as heard on the phone ("acc 1001", "ACC1001", or "1001" alone: the field holds
  // nothing else) is read as the search reads it.
  const bySwitch = f.actor === 'switch';
  const [account, actor] = await Promise.all([
    f.account && readable('account')
      ? db.customerAccount.findUnique({
          where: { number: readAccountFilter(f.account)?.number ?? f.account.toUpperCase() },
          select: { id: true },
        })
      : null,
    f.actor && readable('actor') && !bySwitch
      ? db.user.findUnique({ where: { email: f.actor }, select: { id: true, role: true } })
      : null,
  ]);
  const unmatched: ('account' | 'days' | 'actor')[] = [];
  if (f.account && readable('account') && !account) unmatched.push('account');
  // A first day after the last (both ISO dates: their order is the text's) holds no day at all: said
  // so, before any query, rather than "no entries match", which would send the agent looking for a missing row.
  if (f.from && f.to && readable('from') && readable('to') && f.from > f.to) unmatched.push('days');
  // An action this reader cannot filter by (staff management named to an agent, in a link an admin
  // shared; a code no action has): said so, rather than "no entries match" under "Any action".
  const actionNotApplied = readable('action')
    ? (unappliedAction(user.role, f.action) ?? undefined)
    : undefined;
  // A colleague's sign-ins (and the other actions about the person who acted) are an admin's to read:
  // said so, rather than "no entries match" as if they had never signed in.
  const colleague = colleagueOf(user, actor);
  const actorNotApplied: UnappliedActor | undefined =
    colleague && !!f.action && (PERSONAL_ACTIONS as readonly string[]).includes(f.action)
      ? 'colleague'
      : undefined;
  const none = {
    entries: [],
    next: null,
    unknown: unmatched[0] ?? null,
    unmatched: unmatched.length > 0 ? unmatched : undefined,
    unreadable,
    badCursor,
    actionNotApplied,
    actorNotApplied,
    colleagueWorkOnly: undefined,
  };
  if (unreadable.length > 0 || unmatched.length > 0 || actionNotApplied || actorNotApplied) return none;
  const hidden = await hiddenFromReader(user, f.action);
  // An actor with no user row (the operator CLI's `operator-cli`, an address that matches no login) is
  // found by the name its rows keep.
  // The switch's rows (systemActorOf below, read when a row has no actorEmail): an action of the
  // switch's own or a detail saying the switch confirmed it. Both this and a name with no user row are
  // a range of the (actorEmail, at) index (migration 0020).
  // A login's rows are its own (actorId) and those that name its address without a session behind
  // them: a failed or throttled sign-in, a sign-in link asked for (lib/auth/sign-in.ts,
  // lib/auth/email-link.ts), which an admin looking into password guessing wants beside them. Two
  // index ranges, (actorId, at) and (actorEmail, at) where actorId is null (migration 0023), each read
  // in order up to a page and merged, rather than one OR that the databases would read whole and sort.
  const byActor: Prisma.AuditLogWhereInput[] = !f.actor
    ? [{}]
    : actor
      ? [{ actorId: actor.id }, { actorId: null, actorEmail: f.actor }]
      : bySwitch
        ? [
            {
              // actorId too: the (actorEmail, at) index holds the rows with no login only (migration 0023).
              actorId: null,
              actorEmail: null,
              OR: [{ action: { startsWith: 'switch.' } }, { detail: { contains: SWITCH_CONFIRMED } }],
            },
          ]
        : [{ actorId: null, actorEmail: f.actor }];
  // `lte` keeps a deep page an index range on the filter's (…, at) index; the OR breaks ties.
  const at: { gte?: Date; lt?: Date; lte?: Date } = cursor ? { lte: cursor.at } : {};
  // A bound that falls outside the databases' years (the first day of year 1 east of UTC, the day after
  // 9999-12-31) bounds nothing: every row is inside them.
  const from = f.from ? dayStart(f.from, user.timeZone) : null;
  const to = f.to ? dayStart(f.to, user.timeZone, 1) : null;
  if (from && inDatabaseYears(from)) at.gte = from;
  if (to && inDatabaseYears(to)) at.lt = to;
  const ranges = await Promise.all(
    byActor.map((who) =>
      db.auditLog.findMany({
        where: {
          ...(account ? { accountId: account.id } : {}),
          ...who,
          ...(f.action ? { action: f.action } : {}),
          ...(Object.keys(at).length ? { at } : {}),
          AND: [
            ...(cursor
              ? [{ OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] }]
              : []),
            ...hidden,
          ],
        },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: PAGE + 1,
      }),
    ),
  );
  const rows =
    ranges.length === 1
      ? ranges[0]
      : ranges
          .flat()
          .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .slice(0, PAGE + 1);
  if (f.actor && !actor && !bySwitch && rows.length === 0 && !cursor)
    return { ...none, unknown: 'actor' as const, unmatched: ['actor' as const] };
  const page = rows.slice(0, PAGE);
  const ids = (pick: (r: (typeof page)[number]) => string | null) => [
    ...new Set(page.map(pick).filter((x): x is string => !!x)),
  ];
  const [accounts, targetUsers] = await Promise.all([
    db.customerAccount.findMany({
      where: { id: { in: ids((r) => r.accountId) } },
      select: { id: true, number: true },
    }),
    // The logins the rows are about (target type `user`): a customer's is seen on an account page, a
    // staff login's on the staff list.
    db.user.findMany({
      where: { id: { in: ids((r) => (r.targetType === 'user' ? r.targetId : null)) } },
      select: { id: true, role: true },
    }),
  ]);
  const roleOf = new Map(targetUsers.map((u) => [u.id, u.role]));
  const entries = page.map((r) => {
    const account = accounts.find((a) => a.id === r.accountId)?.number ?? null;
    return {
      id: r.id,
      at: r.at,
      action: r.action,
      actorEmail: r.actorEmail,
      systemActor: r.actorEmail ? null : systemActorOf(r.action, r.detail),
      ip: r.ip,
      userAgent: r.userAgent,
      account,
      target: r.targetType ? `${r.targetType} ${r.targetId ?? ''}`.trim() : null,
      targetHref: targetHref(r.targetType, r.targetId, account, {
        targetRole: r.targetId ? roleOf.get(r.targetId) : undefined,
        readerIsAdmin: user.role === 'admin',
      }),
      // Read as labelled fields (rows written before form text refused them may hold bidi controls:
      // every text is shown with `\u202e` escapes, so a detail cannot display as something it is not).
      detail: readAuditDetail(r.action, r.detail),
      signIn: signInStage(r.action, r.detail),
    };
  });
  const last = page[page.length - 1];
  return {
    entries,
    next: rows.length > PAGE && last ? encodeCursor([last.at, last.id]) : null,
    unknown: null,
    unmatched: undefined,
    unreadable,
    badCursor,
    actionNotApplied: undefined,
    actorNotApplied: undefined,
    colleagueWorkOnly: colleague && !f.action ? true : undefined,
  };
}

/** How lib/audit/log.ts stores `detail.confirmedBy: "switch"` (JSON.stringify, no spaces). */
const SWITCH_CONFIRMED = '"confirmedBy":"switch"';

/**
 * Who acted for a row written with no person as its actor (a worker, an event): `switch` for what the
 * switch did or confirmed (an action of its own, `switch.*`, or a change whose detail says
 * `confirmedBy: "switch"`, such as `block.lifted` after an agent's approval), else null (shown as —).
 */
export function systemActorOf(action: string, detail: string | null): 'switch' | null {
  // Kept in step with listAudit's filter for the switch, which matches SWITCH_CONFIRMED in the text.
  if (action.startsWith('switch.')) return 'switch';
  if (!detail) return null;
  try {
    const d: unknown = JSON.parse(detail);
    return d && typeof d === 'object' && (d as { confirmedBy?: unknown }).confirmedBy === 'switch'
      ? 'switch'
      : null;
  } catch {
    return null;
  }
}

/**
 * The console page where an audit row's target is seen by the reader, or null: an unblock request's
 * own page (`/staff/requests/{id}`: its decision, who and when), the account page of an allowance, a
 * block, an account or a SIP credential (`/staff/accounts/{number}`, where they are listed), and for a
 * login (`user`, whose `targetRole` is its role now, undefined when it no longer exists): a customer's
 * on the account page of the row, at its "Portal logins" section (`#logins-title`, where support signs
 * it out, disables or enables it), a staff login on the staff list (`/staff/users`) for an admin only,
 * since that page is an admin's (anyone else gets a 404). So an admin reading "request.approved" after a
 * shift opens what was decided in one step. Before 2026-12-05 every login linked to the staff list,
 * which never lists a customer and which an agent cannot open.
 */
function targetHref(
  type: string | null,
  id: string | null,
  account: string | null,
  who: { targetRole?: Role; readerIsAdmin: boolean },
): string | null {
  if (!type || !id) return null;
  const accountPage = account ? `/staff/accounts/${encodeURIComponent(account)}` : null;
  if (type === 'unblock_request') return `/staff/requests/${encodeURIComponent(id)}`;
  if (['destination_allowance', 'block', 'account', 'sip_credential'].includes(type)) return accountPage;
  if (type === 'user' && who.targetRole === 'customer') return accountPage && `${accountPage}#logins-title`;
  if (type === 'user' && who.targetRole && isStaff({ role: who.targetRole }))
    return who.readerIsAdmin ? '/staff/users' : null;
  return null;
}

export type AuditEntryView = Awaited<ReturnType<typeof listAudit>>['entries'][number];

/** One answer of listAudit: a page of entries, or why there are none. */
export type AuditAnswer = Awaited<ReturnType<typeof listAudit>>;

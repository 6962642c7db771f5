// The queue's filters as the URL carries them (`/staff?kind=misdial&reason=hotspot_source_ip&taken=no`),
// so a desk that splits the work (one agent on misdials, one on firewall requests, one on allowances)
// bookmarks and shares its view, and every page link keeps it. Pure and isomorphic: the page reads
// them here, lib/requests/queue.ts turns them into SQL, the filter form renders their options.

/** What support works from the queue page: unblock requests by kind, and destination-allowance requests. */
export const QUEUE_KINDS = ['misdial', 'firewall', 'allowance'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** Block reasons (docs/switch-api.md, CONTRACTS §4), in the order the filter offers them. */
export const QUEUE_REASONS = [
  'high_risk_destination',
  'hotspot_source_ip',
  'suspicious_pattern',
  'manual',
] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

/**
 * Whether someone has taken a request, an unblock or an allowance one (lib/requests/claim.ts): `no`,
 * nobody holds it now (never taken, released, or the claim lapsed); `mine`, the reader holds it;
 * `yes`, anyone holds it.
 */
export const QUEUE_TAKEN = ['no', 'mine', 'yes'] as const;
export type QueueTaken = (typeof QUEUE_TAKEN)[number];

/** The filters of one queue view; an absent one does not filter. */
export type QueueFilter = { kind?: QueueKind; reason?: QueueReason; taken?: QueueTaken };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const pick = <T extends string>(all: readonly T[], v: string | undefined): T | undefined =>
  all.find((x) => x === v);

/**
 * The filters of `params` (a page's searchParams: `kind`, `reason`, `taken`). A value that is not one
 * of the options (a hand-edited link) is left out, so the view is wider, never an error, and `bad`
 * lists the parameters that were: the page says so.
 */
export function readQueueFilter(params: Record<string, string | string[] | undefined>): {
  filter: QueueFilter;
  bad: string[];
} {
  const raw = { kind: one(params.kind), reason: one(params.reason), taken: one(params.taken) };
  const filter: QueueFilter = {
    kind: pick(QUEUE_KINDS, raw.kind),
    reason: pick(QUEUE_REASONS, raw.reason),
    taken: pick(QUEUE_TAKEN, raw.taken),
  };
  const bad = (['kind', 'reason', 'taken'] as const).filter((k) => raw[k] !== undefined && !filter[k]);
  return { filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as QueueFilter, bad };
}

/**
 * The filter as URL parameters (only those set, in a fixed order), for page links: `{ kind: 'misdial' }`
 * → `{ kind: 'misdial' }`. Allowance requests have no block reason: with `kind` `allowance` the reason
 * is left out, and `taken` is kept (their list is filtered by it too, since 2026-12-06).
 */
export function queueFilterParams(f: QueueFilter): Record<string, string> {
  const keys = f.kind === 'allowance' ? (['kind', 'taken'] as const) : (['kind', 'reason', 'taken'] as const);
  return Object.fromEntries(keys.flatMap((k) => (f[k] ? [[k, f[k]]] : [])));
}

/** True when the view filters unblock requests by anything but the account (kind, reason or taken). */
export const isFiltered = (f: QueueFilter): boolean => !!(f.kind || f.reason || f.taken);

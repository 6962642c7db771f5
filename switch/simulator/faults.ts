import { z } from 'zod';
import { dialledText } from './control-events';

// Fault injection for the /v1 API only (the /_sim control API is never faulted, so a test can
// always see the truth). Counted faults are used up one request at a time; a fault without a count
// lasts until it is replaced or reset. Besides the one global set, a fault set may be scoped to the
// requests whose path contains one text (an account number or a SIP username), so that tests running
// side by side each fault only their own account and never another test's calls.

export const faultsSchema = z.strictObject({
  /** Answer the next N calls with `failStatus` (default 500) without applying them. */
  failNext: z.int().min(0).max(1000).default(0),
  failStatus: z.int().min(400).max(599).default(500),
  /** A `Retry-After` header on those failures: seconds (`"30"`) or an HTTP-date, sent as given. */
  retryAfter: z.string().min(1).max(100).optional(),
  /**
   * Answer the next N calls with 200 and the account as it is, without applying them: a switch
   * whose body disagrees with the change it was asked for (a PUT of international calling only).
   */
  ignoreNext: z.int().min(0).max(1000).default(0),
  /** Destroy the socket of the next N calls without answering or applying. */
  dropNext: z.int().min(0).max(1000).default(0),
  /** Wait before handling (nothing is applied until the wait is over). */
  delayMs: z.int().min(0).max(120_000).default(0),
  delayNext: z.int().min(1).max(1000).optional(),
  /** Apply the change, then wait before answering: the client may time out although it was applied. */
  applyLateMs: z.int().min(0).max(120_000).default(0),
  applyLateNext: z.int().min(1).max(1000).optional(),
  /**
   * While each of the next N calls to an account (`/v1/accounts/{number}…`) is in flight, after it
   * arrives and before it is applied, the switch's fraud monitoring blocks that account, as POST
   * /_sim/fraud does (its block.placed event delivered before the call goes on): a block placed
   * while the switch answers the portal's lift, without racing a delay. Calls to other paths pass.
   */
  fraudNext: z.int().min(0).max(1000).default(0),
  /** The dialled number of those blocks' trigger calls. */
  fraudTo: dialledText.default('+252611234567'),
  /** Only requests with this method are faulted (and use up counts): e.g. PUT, so background GETs of the reconciler pass. */
  method: z.enum(['GET', 'PUT', 'DELETE']).optional(),
  /** Only requests whose path contains this are faulted, e.g. `/registrations`, so other calls pass. */
  pathContains: z.string().min(1).max(200).optional(),
});
export type FaultConfig = z.infer<typeof faultsSchema>;

export type FaultDecision = {
  drop: boolean;
  failStatus: number | null;
  retryAfter?: string;
  ignore?: boolean;
  /** Block this account (its dialled number `to`) before applying the call: `fraudNext`. */
  fraud?: { accountNumber: string; to: string };
  delayMs: number;
  applyLateMs: number;
};

const NONE: FaultDecision = { drop: false, failStatus: null, delayMs: 0, applyLateMs: 0 };

export class Faults {
  private config: FaultConfig = faultsSchema.parse({});
  /** Fault sets by scope: each applies only to /v1 paths that contain its scope text. */
  private scoped = new Map<string, FaultConfig>();

  set(config: FaultConfig): void {
    this.config = { ...config };
  }
  /** Resets everything: the global set and every scoped one. */
  reset(): void {
    this.config = faultsSchema.parse({});
    this.scoped.clear();
  }
  get(): FaultConfig {
    return { ...this.config };
  }
  /** Replaces the fault set of one scope (a text the faulted paths contain, e.g. `ACC-1001`). */
  setScoped(scope: string, config: FaultConfig): void {
    this.scoped.set(scope, { ...config });
  }
  /** Removes the fault set of one scope (nothing else changes). */
  resetScoped(scope: string): void {
    this.scoped.delete(scope);
  }
  /** The fault set of one scope: the defaults (no faults) when it has none. */
  getScoped(scope: string): FaultConfig {
    return { ...(this.scoped.get(scope) ?? faultsSchema.parse({})) };
  }

  /**
   * Decides, and uses up, the faults for one incoming /v1 request: the first scoped set whose scope
   * the path contains and whose `method`/`pathContains` filters match decides; else the global set.
   */
  next(method?: string, path?: string): FaultDecision {
    for (const [scope, c] of this.scoped)
      if (path?.includes(scope) && applies(c, method, path)) return decide(c, method, path);
    return applies(this.config, method, path) ? decide(this.config, method, path) : NONE;
  }
}

function applies(c: FaultConfig, method?: string, path?: string): boolean {
  if (c.method && method !== c.method) return false;
  return !(c.pathContains && !path?.includes(c.pathContains));
}

/** The only call `ignoreNext` applies to (and is used up by): a PUT of international calling. */
const IGNORABLE = /^\/v1\/accounts\/[^/]+\/international-calling$/;

function decide(c: FaultConfig, method?: string, path?: string): FaultDecision {
  if (c.dropNext > 0) {
    c.dropNext--;
    return { ...NONE, drop: true };
  }
  if (c.failNext > 0) {
    c.failNext--;
    return { ...NONE, failStatus: c.failStatus, retryAfter: c.retryAfter };
  }
  if (c.ignoreNext > 0 && method === 'PUT' && IGNORABLE.test(path ?? '')) {
    c.ignoreNext--;
    return { ...NONE, ignore: true };
  }
  const delayMs = take(c, 'delayMs', 'delayNext');
  const applyLateMs = take(c, 'applyLateMs', 'applyLateNext');
  const account = ACCOUNT_PATH.exec(path ?? '')?.[1];
  let fraud: FaultDecision['fraud'];
  if (c.fraudNext > 0 && account) {
    c.fraudNext--;
    fraud = { accountNumber: decodeURIComponent(account), to: c.fraudTo };
  }
  return { drop: false, failStatus: null, delayMs, applyLateMs, ...(fraud ? { fraud } : {}) };
}

/** The account a /v1 path is about (`fraudNext` blocks it). */
const ACCOUNT_PATH = /^\/v1\/accounts\/([^/]+)/;

function take(
  c: FaultConfig,
  msKey: 'delayMs' | 'applyLateMs',
  countKey: 'delayNext' | 'applyLateNext',
): number {
  const ms = c[msKey];
  if (ms === 0) return 0;
  const count = c[countKey];
  if (count !== undefined) {
    if (count <= 1) {
      c[msKey] = 0;
      c[countKey] = undefined;
    } else c[countKey] = count - 1;
  }
  return ms;
}

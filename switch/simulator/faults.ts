import { z } from 'zod';

// Fault injection for the /v1 API only (the /_sim control API is never faulted, so a test can
// always see the truth). Counted faults are used up one request at a time; a fault without a count
// lasts until it is replaced or reset.

export const faultsSchema = z.strictObject({
  /** Answer the next N calls with `failStatus` (default 500) without applying them. */
  failNext: z.int().min(0).max(1000).default(0),
  failStatus: z.int().min(400).max(599).default(500),
  /** Destroy the socket of the next N calls without answering or applying. */
  dropNext: z.int().min(0).max(1000).default(0),
  /** Wait before handling (nothing is applied until the wait is over). */
  delayMs: z.int().min(0).max(120_000).default(0),
  delayNext: z.int().min(1).max(1000).optional(),
  /** Apply the change, then wait before answering: the client may time out although it was applied. */
  applyLateMs: z.int().min(0).max(120_000).default(0),
  applyLateNext: z.int().min(1).max(1000).optional(),
  /** Only requests with this method are faulted (and use up counts): e.g. PUT, so background GETs of the reconciler pass. */
  method: z.enum(['GET', 'PUT', 'DELETE']).optional(),
  /** Only requests whose path contains this are faulted, e.g. `/registrations`, so other calls pass. */
  pathContains: z.string().min(1).max(200).optional(),
});
export type FaultConfig = z.infer<typeof faultsSchema>;

export type FaultDecision = {
  drop: boolean;
  failStatus: number | null;
  delayMs: number;
  applyLateMs: number;
};

export class Faults {
  private config: FaultConfig = faultsSchema.parse({});

  set(config: FaultConfig): void {
    this.config = { ...config };
  }
  reset(): void {
    this.config = faultsSchema.parse({});
  }
  get(): FaultConfig {
    return { ...this.config };
  }

  /** Decides, and uses up, the faults for one incoming /v1 request. */
  next(method?: string, path?: string): FaultDecision {
    const c = this.config;
    if (c.method && method !== c.method) return { drop: false, failStatus: null, delayMs: 0, applyLateMs: 0 };
    if (c.pathContains && !path?.includes(c.pathContains))
      return { drop: false, failStatus: null, delayMs: 0, applyLateMs: 0 };
    if (c.dropNext > 0) {
      c.dropNext--;
      return { drop: true, failStatus: null, delayMs: 0, applyLateMs: 0 };
    }
    if (c.failNext > 0) {
      c.failNext--;
      return { drop: false, failStatus: c.failStatus, delayMs: 0, applyLateMs: 0 };
    }
    const delayMs = take(c, 'delayMs', 'delayNext');
    const applyLateMs = take(c, 'applyLateMs', 'applyLateNext');
    return { drop: false, failStatus: null, delayMs, applyLateMs };
  }
}

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

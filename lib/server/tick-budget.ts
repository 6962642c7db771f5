import 'server-only';

// How long one tick of a background worker may keep starting new work (lib/server/workers.ts).
// Readiness calls a worker `stalled`, and the instance unready, when it has not finished a tick for
// 5 minutes (lib/server/health.ts). A tick that works through its whole list one call at a time,
// each call waiting out the switch's or the SMTP server's timeout, outlived that: in the ops lab
// (scripts/ops-lab/slow-switch.sh) a switch answering after 20 s made the reconciler's pass over 70
// accounts take 6 minutes, and every instance answered 503 at once. A slow switch or mail server must
// only be `degraded`; so each tick stops starting calls after this budget, and what is left is taken
// by the next tick (the rows and accounts stay due).

/** Ms a worker tick may keep starting new calls: well inside readiness's 5-minute stall limit, with room for the last call's timeout. */
export const TICK_BUDGET_MS = 60_000;

/**
 * A deadline `budgetMs` from now: the returned function says whether it has passed (ms on this
 * process's monotonic clock, so a clock step does not end or stretch a tick).
 */
export function tickDeadline(budgetMs = TICK_BUDGET_MS): () => boolean {
  const end = performance.now() + budgetMs;
  return () => performance.now() >= end;
}

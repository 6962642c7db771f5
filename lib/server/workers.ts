import 'server-only';
import { watchAllowances } from '@/lib/allowances/expiry';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { env } from '@/lib/server/env';
import { processMailOutbox } from '@/lib/mail/worker';
import { log } from '@/lib/server/log';
import { startClockCheck } from '@/lib/server/clock';
import { purgeExpiredLimits } from '@/lib/server/rate-limit';
import { pruneReceipts } from '@/lib/server/idempotency';
import { purgeExpiredSignInLinks } from '@/lib/auth/link-purge';
import { retentionPass } from '@/lib/server/retention';
import { recoverPasswordChanges } from '@/lib/credentials/reset';
import { processSwitchOutbox } from '@/lib/switch/outbox';

type Worker = { name: string; tick: () => Promise<unknown>; everyMs: number };

// Each tick is safe on several instances at once (rows are claimed with a lease).
const WORKERS: Worker[] = [
  { name: 'switch-outbox', tick: () => processSwitchOutbox(), everyMs: 1000 },
  { name: 'mail-outbox', tick: () => processMailOutbox(), everyMs: 1000 },
  { name: 'reconcile', tick: () => reconcilePass(), everyMs: env().RECONCILE_INTERVAL_MS },
  { name: 'allowance-watch', tick: () => watchAllowances(), everyMs: 3000 },
  { name: 'sip-password-recovery', tick: () => recoverPasswordChanges(), everyMs: 30_000 },
  // Expired rate-limit counters and form receipts (lib/server/idempotency.ts): one DELETE each;
  // several instances doing it at once is harmless.
  {
    name: 'rate-limit-purge',
    tick: async () => [await purgeExpiredLimits(), await pruneReceipts()],
    everyMs: 10 * 60_000,
  },
  // Expired sign-in links, at most LINK_PURGE_BATCH a minute (lib/auth/link-purge.ts).
  { name: 'sign-in-link-purge', tick: () => purgeExpiredSignInLinks(), everyMs: 60_000 },
  // Finished rows of the working tables past RETENTION_DAYS (switch event bodies, then their ids after a
  // year; done or failed outbox rows), a bounded batch per table a minute (lib/server/retention.ts).
  { name: 'retention', tick: () => retentionPass(), everyMs: 60_000 },
];

// When each worker last finished a tick, for readiness (lib/server/health.ts). On globalThis: the
// health route is bundled apart from instrumentation.ts, which starts the workers.
const g = globalThis as { __tollgateWorkers?: { started: boolean; beats: Map<string, number> } };
const state = (g.__tollgateWorkers ??= { started: false, beats: new Map<string, number>() });

/** Each worker of this process: name, tick period (ms) and when it last finished a tick (ms epoch, null before the first). */
export function workerHeartbeats(): { name: string; everyMs: number; lastTickAt: number | null }[] {
  return state.started
    ? WORKERS.map((w) => ({ name: w.name, everyMs: w.everyMs, lastTickAt: state.beats.get(w.name) ?? null }))
    : [];
}

export function startWorkers() {
  if (state.started) return;
  state.started = true;
  // The clock is measured before the first lease is taken (lib/server/clock.ts).
  void startClockCheck().then(() => WORKERS.forEach(run));
}

function run(w: Worker) {
  const loop = async () => {
    try {
      await w.tick();
    } catch (e) {
      log().error({ worker: w.name, err: { message: (e as Error).message } }, 'worker tick failed');
    }
    state.beats.set(w.name, Date.now());
    setTimeout(loop, w.everyMs).unref();
  };
  setTimeout(loop, 500).unref();
}

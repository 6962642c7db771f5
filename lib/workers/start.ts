import 'server-only';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { env } from '@/lib/config/env';
import { processMailOutbox } from '@/lib/mail/worker';
import { recoverPasswordChanges } from '@/lib/sip/reset';
import { processSwitchOutbox } from '@/lib/switch/outbox';

type Worker = { name: string; tick: () => Promise<unknown>; everyMs: number };

// Each tick is safe on several instances at once (rows are claimed with a lease).
const WORKERS: Worker[] = [
  { name: 'switch-outbox', tick: () => processSwitchOutbox(), everyMs: 1000 },
  { name: 'mail-outbox', tick: () => processMailOutbox(), everyMs: 1000 },
  { name: 'reconcile', tick: () => reconcilePass(), everyMs: env().RECONCILE_INTERVAL_MS },
  { name: 'sip-password-recovery', tick: () => recoverPasswordChanges(), everyMs: 30_000 },
];

let started = false;

export function startWorkers() {
  if (started) return;
  started = true;
  for (const w of WORKERS) {
    const loop = async () => {
      try {
        await w.tick();
      } catch (e) {
        console.error(`[worker ${w.name}] ${(e as Error).message}`);
      }
      setTimeout(loop, w.everyMs).unref();
    };
    setTimeout(loop, 500).unref();
  }
}

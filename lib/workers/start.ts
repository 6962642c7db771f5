import 'server-only';
import { processMailOutbox } from '@/lib/mail/worker';
import { processSwitchOutbox } from '@/lib/switch/outbox';

type Worker = { name: string; tick: () => Promise<unknown>; everyMs: number };

// Each tick is safe on several instances at once (rows are claimed with a lease).
const WORKERS: Worker[] = [
  { name: 'switch-outbox', tick: () => processSwitchOutbox(), everyMs: 1000 },
  { name: 'mail-outbox', tick: () => processMailOutbox(), everyMs: 1000 },
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

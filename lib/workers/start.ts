import 'server-only';

type Worker = { name: string; tick: () => Promise<unknown>; everyMs: number };
const workers: Worker[] = [];

/** Outbox workers register here (switch operations, mail); each tick is safe to run on several instances. */
export function registerWorker(w: Worker) {
  workers.push(w);
}

let started = false;

export function startWorkers() {
  if (started) return;
  started = true;
  for (const w of workers) {
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

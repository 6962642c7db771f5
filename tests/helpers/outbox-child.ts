// A separate worker process for the crash test: runs one outbox pass and is killed mid-call.
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';

processSwitchOutbox({
  client: createSwitchClient({
    baseUrl: process.env.SIM_URL!,
    token: process.env.SIM_TOKEN!,
    timeoutMs: 30_000,
    retries: 0,
    log: () => {},
  }),
  owner: 'child',
  leaseMs: Number(process.env.LEASE_MS ?? 5000),
}).then((n) => {
  console.log(`confirmed ${n}`);
  process.exit(0);
});

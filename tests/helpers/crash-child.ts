// A portal process for the crash drills (tests/helpers/crash.ts): it does one job the way the server
// does it and is killed with SIGKILL in the middle. CRASH_JOB picks the job:
// - approve: an agent approves a request (approveRequest), then the switch outbox sends the lift at
//   once, as the action's after() does (lib/switch/send-soon.ts); CRASH_ARGS = { requestId, staff }.
// - mail: one mail outbox pass over SMTP_URL (lib/mail/worker.ts).
// - reconcile: one reconciler pass (lib/blocks/reconcile.ts); CRASH_ARGS = { accountNumbers }.
// - events: serves POST /api/switch/events (the route itself) on 127.0.0.1:PORT until killed, with
//   the webhook secrets of its environment read once at start, as the server does; prints
//   "listening" when it accepts connections.
// The switch is SIM_URL with SIM_TOKEN; leases last LEASE_MS (the server's own when unset).
import http from 'node:http';
import { POST } from '@/app/api/switch/events/route';
import type { CurrentUser } from '@/lib/auth/session';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { smtpTransport } from '@/lib/mail/transport';
import { processMailOutbox } from '@/lib/mail/worker';
import { approveRequest } from '@/lib/requests/decide';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';

const args = JSON.parse(process.env.CRASH_ARGS ?? '{}') as {
  requestId?: string;
  staff?: CurrentUser;
  accountNumbers?: string[];
};
const client = () =>
  createSwitchClient({
    baseUrl: process.env.SIM_URL!,
    token: process.env.SIM_TOKEN!,
    timeoutMs: 60_000,
    retries: 0,
    log: () => {},
  });
const leaseMs = process.env.LEASE_MS ? Number(process.env.LEASE_MS) : undefined;
const never = () => false;

async function run(job: string | undefined): Promise<unknown> {
  if (job === 'approve') {
    const note = 'Spoke with the owner; a receptionist typo.';
    const meta = { ip: '192.0.2.1', userAgent: 'crash-child' };
    const decided = await approveRequest(
      args.staff!,
      { requestId: args.requestId!, attest: 'on', note },
      meta,
    );
    const sent = await processSwitchOutbox({
      client: client(),
      owner: 'crash-child',
      leaseMs,
      deadline: never,
    });
    return { decided: decided.ok, sent };
  }
  if (job === 'mail')
    return processMailOutbox({
      transport: smtpTransport(process.env.SMTP_URL!),
      owner: 'crash-child',
      max: 1,
    });
  if (job === 'reconcile')
    return reconcilePass({ client: client(), accountNumbers: args.accountNumbers, deadline: never });
  if (job === 'events') return serveEvents(Number(process.env.PORT));
  throw new Error(`unknown CRASH_JOB ${job}`);
}

/** Hands every request to the events route, as Next would; never resolves (the process is killed). */
function serveEvents(port: number): Promise<never> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = await POST(
      new Request(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      }),
    );
    res
      .writeHead(answer.status, Object.fromEntries(answer.headers))
      .end(Buffer.from(await answer.arrayBuffer()));
  });
  server.listen(port, '127.0.0.1', () => console.log('listening'));
  return new Promise<never>(() => {});
}

run(process.env.CRASH_JOB).then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

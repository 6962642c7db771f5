import { requestDeadline } from '../../lib/server/request-deadline';
import { signEvent, SIGNATURE_HEADER } from '../../lib/switch/signature';
import type { Db } from './db';

// Durable event delivery to Tollgate (CONTRACTS §4), the way a switch's webhook sender works:
// an event is written to the database first, then POSTed, re-signed with a fresh timestamp on every
// attempt (Tollgate refuses signatures older than 300 s), and retried with backoff until Tollgate
// gives a final answer. Events of one account go out in order: a lift is never delivered before the
// block it lifts.

export type EventRow = {
  id: string;
  account_number: string;
  type: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
};

export type SenderOptions = {
  eventsUrl: string | null;
  webhookSecret: string | null;
  intervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  log: (line: string) => void;
};

/** 2xx means stored; 400, 401, 404 and 413 will not change by sending the same bytes again. */
const FINAL_FAILURES = new Set([400, 401, 404, 413]);

export class EventSender {
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  /** Aborted by stop(), so that Ctrl-C does not wait for a hung Tollgate. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly opts: SenderOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.deliverDue(), this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort();
    await this.tail;
  }

  enqueue(id: string, accountNumber: string, type: string, body: string): void {
    const now = Date.now();
    this.db
      .prepare(
        'INSERT INTO events (id, account_number, type, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, accountNumber, type, body, now, now);
  }

  get(id: string): EventRow | null {
    return (this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined) ?? null;
  }

  list(): EventRow[] {
    return this.db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
  }

  /** One pass over due events; `force` ignores the backoff schedule (control API "flush"). */
  deliverDue(force = false): Promise<void> {
    // Passes run one after another (two at once could send one event twice); a timer tick that
    // finds a pass already queued just waits for it.
    if (!force && this.queued > 0) return this.tail;
    this.queued++;
    this.tail = this.tail
      .then(() => this.pass(force))
      .catch((err: unknown) =>
        this.opts.log(`event delivery pass failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        this.queued--;
      });
    return this.tail;
  }

  private async pass(force: boolean): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const pending = this.db
      .prepare("SELECT * FROM events WHERE status = 'pending' ORDER BY seq")
      .all() as EventRow[];
    const heldBack = new Set<string>();
    for (const event of pending) {
      if (this.stopping.signal.aborted) return;
      if (heldBack.has(event.account_number)) continue;
      if (!force && event.next_attempt_at > Date.now()) {
        heldBack.add(event.account_number);
        continue;
      }
      if (!(await this.attempt(event))) heldBack.add(event.account_number);
    }
  }

  private async attempt(event: EventRow): Promise<boolean> {
    const { eventsUrl, webhookSecret } = this.opts;
    if (!eventsUrl || !webhookSecret)
      return this.record(event, null, 'no events URL or webhook secret configured');
    const deadline = requestDeadline(this.opts.timeoutMs, this.stopping.signal);
    try {
      const res = await fetch(eventsUrl, {
        method: 'POST',
        body: event.body,
        signal: deadline.signal,
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signEvent(webhookSecret, event.body),
        },
      });
      await res.arrayBuffer().catch(() => undefined);
      return this.record(event, res.status, res.ok ? null : `HTTP ${res.status}`);
    } catch (err) {
      if (this.stopping.signal.aborted) return false; // shutting down: the event stays pending, untouched
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      return this.record(
        event,
        null,
        deadline.timedOut() ? 'timeout' : `connection error${typeof code === 'string' ? ` (${code})` : ''}`,
      );
    } finally {
      deadline.clear();
    }
  }

  /** Stores the outcome of one attempt; true when the event is no longer pending. */
  private record(event: EventRow, status: number | null, error: string | null): boolean {
    const attempts = event.attempts + 1;
    const final =
      status === null
        ? null
        : status >= 200 && status < 300
          ? 'delivered'
          : FINAL_FAILURES.has(status)
            ? 'failed'
            : null;
    const delay =
      Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (attempts - 1)) *
      (0.5 + Math.random() / 2);
    this.db
      .prepare(
        'UPDATE events SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, finished_at = ? WHERE id = ?',
      )
      .run(
        final ?? 'pending',
        attempts,
        Date.now() + Math.round(delay),
        status,
        error,
        final ? Date.now() : null,
        event.id,
      );
    this.opts.log(
      `event ${event.id} (${event.type} ${event.account_number}) attempt ${attempts}: ${final ?? 'will retry'}${error ? ` — ${error}` : ''}`,
    );
    return final === 'delivered' || final === 'failed';
  }
}

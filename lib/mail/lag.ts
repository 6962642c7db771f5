import 'server-only';
import { db } from '@/lib/server/db';

/**
 * How long the mail outbox's most overdue pending message has waited to go, in ms at `now` (epoch
 * ms); 0 when none waits. A message never tried waits from when it became due (`nextAttemptAt`): a
 * SIP password alert is held 2 to 10 minutes on purpose so that a sitting of changes is mailed once
 * (lib/mail/queue.ts queuePasswordChangedAlert), and a held message is not late; one released early
 * (releaseHeldAlerts) is due from its release. A message already
 * tried waits from when it was queued (`createdAt`): each failed try moves its due time on, and the
 * wait since it was queued is what its reader sees. Read by the readiness check (lib/server/health.ts)
 * and the metrics (lib/server/metrics.ts `tollgate_outbox_oldest_age_seconds{outbox="mail"}`), so both
 * say the same. Two indexed reads; throws what the database throws.
 */
export async function mailOutboxLagMs(now: number): Promise<number> {
  const [untried, tried] = await Promise.all([
    db.mailMessage.findFirst({
      where: { status: 'pending', attempts: 0, nextAttemptAt: { lte: new Date(now) } },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    }),
    db.mailMessage.findFirst({
      where: { status: 'pending', attempts: { gt: 0 } },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    }),
  ]);
  return Math.max(
    0,
    untried ? now - untried.nextAttemptAt.getTime() : 0,
    tried ? now - tried.createdAt.getTime() : 0,
  );
}

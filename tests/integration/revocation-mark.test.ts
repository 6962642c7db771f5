import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/server/db';
import { queueMailToMembers } from '@/lib/mail/queue';
import { renderMessage } from '@/lib/mail/render';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// "Sign out everywhere" (any revocation, lib/auth/revoke.ts) marks User.linksRevokedAt; a block notice
// queued before the mark goes out without its sign-in link (lib/mail/render.ts). The mark's time is
// taken before the statement that writes it, which on PostgreSQL may wait for another revocation
// holding the user row: the later of two revocations can commit first. The mark must never move back,
// or a notice queued between the two times would be sent with a link the later revocation ended.
// Only Date is faked (timers stay real): each revocation reads the time set for it.

const T1 = new Date('2026-12-01T10:00:00.000Z');
const QUEUED = new Date('2026-12-01T10:00:30.000Z');
const T2 = new Date('2026-12-01T10:01:00.000Z');

afterEach(() => {
  vi.useRealTimers();
});

async function userWithQueuedNotice(email: string) {
  const db = getDb();
  const { account, users } = await makeAccount({ members: [email] });
  const block = await makeBlock(account.id, { reason: 'manual', placedBy: 'staff' });
  await db.$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
  const notice = await db.mailMessage.update({
    where: { id: (await db.mailMessage.findFirstOrThrow({ where: { to: email } })).id },
    data: { createdAt: QUEUED },
  });
  return { user: users[0]!, notice };
}

const revokeAt = (at: Date, email: string) => {
  vi.setSystemTime(at);
  return getDb().$transaction((tx) => revokeSignInLinks(tx, email));
};

describe.each(dialects())('the revocation mark only moves forward, on %s', (dialect) => {
  it('a revocation committed after a later one keeps the later mark; a notice queued between gets no link', async () => {
    await useFreshDb(dialect);
    const email = `mark-order-${dialect}@t.example`;
    const { user, notice } = await userWithQueuedNotice(email);
    vi.useFakeTimers({ toFake: ['Date'] });
    await revokeAt(T2, email);
    await revokeAt(T1, email); // its time was taken earlier; it commits last
    vi.useRealTimers();
    const db = getDb();
    // Kept past the later mark, never back: 1 ms past it, so that this revocation moved it too.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).linksRevokedAt).toEqual(
      new Date(T2.getTime() + 1),
    );
    const rendered = await renderMessage(notice, new Date());
    expect(rendered.ok).toBe(true);
    expect(rendered.ok && rendered.verificationToken).toBeFalsy();
    expect(rendered.ok && rendered.mail.text).not.toMatch(/token=/);
    // A later revocation still moves it on.
    vi.useFakeTimers({ toFake: ['Date'] });
    const T3 = new Date(T2.getTime() + 1000);
    await revokeAt(T3, email);
    vi.useRealTimers();
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).linksRevokedAt).toEqual(T3);
  });
});

// Only PostgreSQL has two writers that can wait on each other's row lock (SQLite has one writer).
describe.each(dialects().filter((d) => d === 'postgresql'))('a real race for the mark, on %s', (dialect) => {
  it('two revocations at once: the one that waited for the row lock does not write its earlier time', async () => {
    const url = await useFreshDb(dialect);
    const email = `mark-race-${dialect}@t.example`;
    const { user, notice } = await userWithQueuedNotice(email);
    const db = getDb();
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      // The first revocation holds the user row (as its own UPDATE would) until it is let go.
      let letGo!: () => void;
      const gate = new Promise<void>((r) => (letGo = r));
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const first = db.$transaction(
        async (tx) => {
          await tx.$executeRaw`UPDATE "User" SET "email" = "email" WHERE "email" = ${email}`;
          holding();
          await gate;
          return revokeSignInLinks(tx, email); // at T2 (set below, once the second one waits)
        },
        { timeout: 20_000 },
      );
      await held;
      // The second takes its time (T1), then waits for the row.
      vi.setSystemTime(T1);
      const second = db.$transaction((tx) => revokeSignInLinks(tx, email), { timeout: 20_000 });
      for (let i = 0; ; i++) {
        const { rows } = await watcher.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]!.n) === 1) break;
        if (i > 400) throw new Error('the second revocation never waited for the row lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      vi.setSystemTime(T2);
      letGo();
      await first; // commits T2 first
      await second; // then the one that waited, with T1
      vi.useRealTimers();
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).linksRevokedAt).toEqual(
        new Date(T2.getTime() + 1),
      );
      const rendered = await renderMessage(notice, new Date());
      expect(rendered.ok && rendered.verificationToken).toBeFalsy();
    } finally {
      vi.useRealTimers();
      await watcher.end();
    }
  });
});

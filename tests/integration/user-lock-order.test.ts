import { TOTP } from 'otpauth';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/server/db';
import { ignoreRedirect, session } from '@/tests/helpers/action-edge';
import '@/tests/helpers/browser-edge';
import '@/tests/helpers/no-sign-out';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeSession, makeStaff, makeUserWithSession, TOTP_SECRET } from '@/tests/helpers/factory';

// One lock order for every transaction that writes a user's User row and their Session or
// VerificationToken rows (docs/architecture.md "Lock order"): the User row first (lockUser), then the
// rest. Before it, "sign out everywhere" deleted the Session rows first and then wrote the User row
// (revokeSignInLinks), while an admin disabling that user locked the User row first and then deleted
// the sessions: on PostgreSQL the two waited on each other, one was killed with 40P01 (deadlock
// detected) and its request answered 500. Here they are interleaved for real: the sign-out is held
// just before it revokes the links, the admin's disable is started and seen waiting for a lock, and
// then the sign-out is let go. The same order keeps a session that passes its second factor at that
// moment from outliving "sign out everywhere": its new row was invisible to the sign-out's delete.
// Only PostgreSQL has two writers that can wait on each other (SQLite has one writer at a time).

const gate = vi.hoisted(() => ({ armed: false, reached: () => {}, release: Promise.resolve() }));

vi.mock('@/lib/auth/revoke', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/revoke')>();
  return {
    ...real,
    revokeSignInLinks: async (...args: Parameters<typeof real.revokeSignInLinks>) => {
      if (gate.armed) {
        gate.armed = false;
        gate.reached();
        await gate.release;
      }
      return real.revokeSignInLinks(...args);
    },
  };
});
// The verification's transaction is held at its audit row (after the new session is written).
vi.mock('@/lib/audit/log', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/audit/log')>();
  return {
    ...real,
    audit: async (...args: Parameters<typeof real.audit>) => {
      if (gate.armed && args[0].action === 'mfa.verified') {
        gate.armed = false;
        gate.reached();
        await gate.release;
      }
      return real.audit(...args);
    },
  };
});
const { signOutEverywhereAction } = await import('@/lib/auth/actions');
const { setStaffDisabled } = await import('@/lib/staff/users');
const { verifySecondFactor } = await import('@/lib/auth/mfa/verify');
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** Holds the next gated step until the returned function is called; resolves once it is held. */
function holdNext(): { held: Promise<void>; letGo: () => void } {
  let letGo!: () => void;
  gate.release = new Promise<void>((r) => (letGo = r));
  const held = new Promise<void>((r) => (gate.reached = r));
  gate.armed = true;
  return { held, letGo };
}

/** Resolves once `held`; rejects if `run` ends first (it failed, or never reached the gate). */
async function reachedOrFailed(held: Promise<void>, run: Promise<unknown>): Promise<void> {
  let settled = false;
  const ended = run.then(
    () => {
      if (!settled) throw new Error('finished without reaching the gate');
    },
    (e: unknown) => {
      if (!settled) throw e;
    },
  );
  try {
    await Promise.race([held, ended]);
  } finally {
    settled = true;
  }
}

/** Waits until exactly one statement of this database waits for a lock. */
async function oneWaiting(watcher: pg.Client) {
  for (let i = 0; ; i++) {
    const { rows } = await watcher.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(rows[0]!.n) === 1) return;
    if (i > 400) throw new Error('nothing waited for a lock');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(dialects().filter((d) => d === 'postgresql'))('one lock order for a user, on %s', (dialect) => {
  it('an agent signing out everywhere while an admin disables them: both finish, no deadlock', async () => {
    const url = await useFreshDb(dialect);
    const db = getDb();
    const [admin, agent] = [await makeStaff({ role: 'admin' }), await makeStaff({ role: 'agent' })];
    const other = await makeSession(agent.id);
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    try {
      const { held, letGo } = holdNext();
      session.user = { ...agent, sessionId: other.id };
      const signOut = signOutEverywhereAction().catch(ignoreRedirect);
      await reachedOrFailed(held, signOut); // its transaction has done its first writes and holds their locks
      const disable = setStaffDisabled(
        admin,
        { userId: agent.id, disabled: true, reason: 'Left the company' },
        meta,
      );
      await oneWaiting(watcher);
      letGo();
      const [signedOut, disabled] = await Promise.allSettled([signOut, disable]);
      expect(signedOut.status === 'rejected' ? String(signedOut.reason) : 'fulfilled').toBe('fulfilled');
      expect(disabled.status === 'rejected' ? String(disabled.reason) : disabled.value).toMatchObject({
        ok: true,
      });
      expect(await db.session.count({ where: { userId: agent.id } })).toBe(0);
      expect(await db.user.findUniqueOrThrow({ where: { id: agent.id } })).toMatchObject({ disabled: true });
      expect(await db.auditLog.count({ where: { action: 'sign_out.everywhere', actorId: agent.id } })).toBe(
        1,
      );
    } finally {
      gate.armed = false;
      await watcher.end();
    }
  });

  it('a session passing its second factor while the user signs out everywhere does not outlive it', async () => {
    const url = await useFreshDb(dialect);
    const db = getDb();
    const { u, me } = await makeUserWithSession('agent', { secret: TOTP_SECRET });
    const verified = await makeSession(u.id, { mfaVerified: true });
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    try {
      const { held, letGo } = holdNext();
      const code = new TOTP({ secret: TOTP_SECRET, digits: 6, period: 30 }).generate();
      const verify = verifySecondFactor(me, code, meta);
      await reachedOrFailed(held, verify); // the new verified session is written, not yet committed
      session.user = { ...me, sessionId: verified.id, mfaVerified: true };
      const signOut = signOutEverywhereAction().catch(ignoreRedirect);
      await oneWaiting(watcher);
      letGo();
      const [verifiedNow, signedOut] = await Promise.allSettled([verify, signOut]);
      expect(signedOut.status).toBe('fulfilled');
      expect(verifiedNow.status === 'fulfilled' && verifiedNow.value.ok).toBe(true);
      expect(await db.session.count({ where: { userId: u.id } })).toBe(0);
    } finally {
      gate.armed = false;
      await watcher.end();
    }
  });
});

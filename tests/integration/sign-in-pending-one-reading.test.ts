import { beforeAll, describe, expect, it, vi } from 'vitest';
import { jar } from '@/tests/helpers/cookie-jar';

// One reading of "a sign-in still pending its two-factor code" (lib/staff/audit-detail.ts signInStage
// and PENDING_SIGN_IN_TEXT). Three readers read the same `sign_in.success` rows: the staff audit
// table (listAudit's `signIn`), the profile's recent sign-ins (recentSignIns' `kind`) and, in SQL,
// the blocks in force ("a member signed in since the block", `signedInAt`). Before, each had its
// own: the table needed a known `method` (a pending row with another read as "accepted"), the profile
// called any other `secondFactor` value a sign-in, and SQLite's LIKE folded case. The rows here are
// written by the real sign-in (pending, none) and, for rows it no longer writes, directly; every
// reader must tell the same story of each, on each dialect.

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);

const { attemptSignIn } = await import('@/lib/auth/sign-in');
const { hashPassword } = await import('@/lib/auth/password');
const { encryptSecret } = await import('@/lib/auth/totp');
const { recentSignIns } = await import('@/lib/profile/recent-sign-ins');
const { signInStage } = await import('@/lib/staff/audit-detail');
const { auditFilterSchema, listAudit } = await import('@/lib/staff/audit-query');
const { listBlocksInForce } = await import('@/lib/staff/blocks-in-force');
const { getDb } = await import('@/lib/server/db');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { TOTP_SECRET, makeAccount, makeBlock, makeStaff } = await import('@/tests/helpers/factory');

type Stage = 'pending' | 'complete' | 'unrecorded';
const PASSWORD = 'one-reading-horse-battery-7';

/** Each case: a member's one sign_in.success row, by a real sign-in or as stored, and its stage. */
const CASES: { name: string; row: { signIn: 'totp' | 'plain' } | { detail: string | null }; stage: Stage }[] =
  [
    { name: 'password, code still due (sign-in)', row: { signIn: 'totp' }, stage: 'pending' },
    { name: 'password, no second factor (sign-in)', row: { signIn: 'plain' }, stage: 'complete' },
    { name: 'older row, no such field', row: { detail: '{"knownDevice":true}' }, stage: 'unrecorded' },
    { name: 'older link row', row: { detail: '{"method":"email_link"}' }, stage: 'unrecorded' },
    { name: 'older row, no detail', row: { detail: null }, stage: 'unrecorded' },
    {
      name: 'code due, method unknown',
      row: { detail: '{"method":"sso","secondFactor":"pending"}' },
      stage: 'pending',
    },
    {
      name: 'another case',
      row: { detail: '{"method":"password","secondFactor":"PENDING"}' },
      stage: 'unrecorded',
    },
    {
      name: 'a state unknown',
      row: { detail: '{"method":"password","secondFactor":"skipped"}' },
      stage: 'unrecorded',
    },
  ];

/** The profile's words for each stage (lib/profile/recent-sign-ins.ts SignInKind). */
const KIND = { pending: 'pending', complete: 'signedIn', unrecorded: 'accepted' } as const;

describe.each(dialects())('one reading of a sign-in still pending its code, on %s', (dialect) => {
  const made: { name: string; stage: Stage; user: { id: string; email: string }; blockId: string }[] = [];
  let ip = 10;

  beforeAll(async () => {
    await useFreshDb(dialect);
    const db = getDb();
    for (const c of CASES) {
      const { account, users } = await makeAccount();
      const user = users[0]!;
      // Placed an hour ago: every row below is after it.
      const block = await makeBlock(account.id, {
        placedAt: new Date(Date.now() - 3_600_000),
        createdAt: new Date(Date.now() - 3_600_000),
      });
      if ('signIn' in c.row) {
        await db.user.update({
          where: { id: user.id },
          data: {
            passwordHash: await hashPassword(PASSWORD),
            ...(c.row.signIn === 'totp'
              ? { totpSecret: encryptSecret(TOTP_SECRET), totpEnabledAt: new Date() }
              : {}),
          },
        });
        jar.clear();
        const meta = { ip: `203.0.113.${ip++}`, userAgent: 'vitest' };
        expect((await attemptSignIn({ email: user.email, password: PASSWORD }, meta)).ok).toBe(true);
      } else {
        await db.auditLog.create({
          data: { action: 'sign_in.success', actorId: user.id, actorEmail: user.email, detail: c.row.detail },
        });
      }
      made.push({ name: c.name, stage: c.stage, user, blockId: block.id });
    }
  });

  it('reads each row the same in the audit table, the profile and the blocks in force', async () => {
    const admin = await makeStaff({ role: 'admin' });
    const blocks = new Map((await listBlocksInForce(admin)).items.map((b) => [b.id, b]));
    for (const m of made) {
      const rows = await getDb().auditLog.findMany({ where: { actorId: m.user.id } });
      expect(
        rows.map((r) => r.action),
        m.name,
      ).toEqual(['sign_in.success']);
      const table = await listAudit(
        admin,
        auditFilterSchema.parse({ action: 'sign_in.success', actor: m.user.email }),
      );
      const profile = await recentSignIns(m.user);
      expect(
        {
          stored: signInStage('sign_in.success', rows[0]!.detail),
          table: table.entries.map((e) => e.signIn),
          profile: profile.map((p) => p.kind),
          signedInSinceBlock: blocks.get(m.blockId)!.signedInAt !== null,
        },
        m.name,
      ).toEqual({
        stored: m.stage,
        table: [m.stage],
        profile: [KIND[m.stage]],
        // A sign-in whose code was still due is no member's sign-in; an older row still counts.
        signedInSinceBlock: m.stage !== 'pending',
      });
    }
  });

  it('is no sign-in stage for any other action', () => {
    expect(signInStage('mfa.verified', '{"kind":"totp"}')).toBeNull();
    expect(signInStage('mfa.verified', '{"secondFactor":"pending"}')).toBeNull();
  });
});

// The e2e factories' writer (./factories.ts plans, this writes): one test's own data, exactly as
// planned there (names, numbers and passwords are chosen by the caller), and returns the ids. Block
// rows go through lib/blocks/lifecycle.ts (seedBlock), requests through the domain function a
// customer's form calls (submitMisdial), like everything the portal writes. Runs inside the
// long-lived ./factory-server.ts (server module conditions, the e2e database).
import { hashPassword } from '@/lib/auth/password';
import { encryptSecret } from '@/lib/auth/totp';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { getDb } from '@/lib/server/db';
import { submitMisdial } from '@/lib/requests/submit';
import type { FactoryPlan, FactoryResult } from './factories';

/** Writes `plan` in the e2e database; throws when a step is refused (e.g. a misdial request on an account without a block). */
export async function writePlan(plan: FactoryPlan): Promise<FactoryResult> {
  const db = getDb();
  const result: FactoryResult = { accounts: {}, users: {}, blocks: {}, requests: [] };
  for (const a of plan.accounts ?? []) {
    const account = await db.customerAccount.create({
      data: {
        number: a.number,
        name: a.name,
        country: a.country,
        timeZone: a.timeZone,
        phone: a.phone,
        // Compared with the switch just now, as an account the switch already holds (its PUT came
        // first): else the reconciler's sweep, which reads never-compared accounts first, could
        // read it between this row and its block's, and place the switch's block a second time.
        lastReconciledAt: new Date(),
      },
    });
    const credentials: Record<string, string> = {};
    for (const c of a.credentials)
      credentials[c.username] = (
        await db.sipCredential.create({
          data: { accountId: account.id, username: c.username, label: c.label },
        })
      ).id;
    result.accounts[a.number] = { id: account.id, credentials };
    if (a.block) {
      const placedAt = new Date(a.block.placedAt);
      const sourceEventId = `e2e-factory-${a.number}`;
      await seedBlock(db, {
        accountId: account.id,
        reason: a.block.reason,
        placedAt,
        sourceEventId,
        calls: a.block.calls.map((c) => ({
          at: new Date(c.at),
          sipUsername: c.from,
          to: c.to,
          sourceIp: c.sourceIp,
          durationSec: c.durationSec,
        })),
      });
      result.blocks[a.number] = (await db.block.findUniqueOrThrow({ where: { sourceEventId } })).id;
    }
  }
  for (const u of plan.users ?? []) {
    const staff = u.role !== 'customer';
    const user = await db.user.create({
      data: {
        email: u.email,
        name: u.name,
        role: u.role,
        passwordHash: await hashPassword(u.password),
        emailVerified: new Date(),
        ...(u.timeZone ? { timeZone: u.timeZone } : {}),
        ...(staff || u.totpSecret
          ? { totpSecret: encryptSecret(u.totpSecret!), totpEnabledAt: new Date() }
          : {}),
      },
    });
    for (const number of u.accounts) {
      const accountId =
        result.accounts[number]?.id ?? (await db.customerAccount.findUniqueOrThrow({ where: { number } })).id;
      await db.membership.create({ data: { userId: user.id, accountId } });
    }
    result.users[u.email] = user.id;
  }
  for (const r of plan.misdials ?? []) {
    const user = await db.user.findUniqueOrThrow({ where: { email: r.by } });
    const blockId = result.blocks[r.account] ?? plan.knownBlocks?.[r.account];
    if (!blockId) throw new Error(`no block on ${r.account} for a misdial request`);
    const calls = await db.triggerCall.findMany({
      where: { blockId },
      select: { id: true },
      orderBy: { at: 'asc' },
    });
    const me = {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      timeZone: user.timeZone,
      locale: user.locale,
      sessionId: 'e2e-factory',
      mfaEnrolled: !!user.totpEnabledAt,
      mfaVerified: !!user.totpEnabledAt,
    };
    const submitted = await submitMisdial(
      me,
      {
        blockId,
        'callIds[]': calls.map((c) => c.id),
        intendedNumber: r.intendedNumber,
        whatHappened: r.whatHappened,
        callbackPhone: r.callbackPhone,
      },
      { ip: '127.0.0.1', userAgent: 'e2e factory' },
    );
    if (!submitted.ok)
      throw new Error(`misdial request on ${r.account} refused: ${JSON.stringify(submitted)}`);
    result.requests.push({ id: submitted.data!.requestId, blockId });
  }
  return result;
}

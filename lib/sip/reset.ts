import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import { consume } from '@/lib/auth/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { memberOf } from '@/lib/accounts/queries';
import { liftIfRotated } from '@/lib/blocks/policy';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db';
import type { RequestMeta } from '@/lib/http/request-meta';
import { queueMail } from '@/lib/mail/queue';
import { assessPassword } from '@/lib/passwords/strength';
import { switchClient } from '@/lib/switch/client';
import { failureMessage } from '@/lib/switch/result';

export type ResetOutcome =
  | { ok: true; liftQueued: boolean }
  | { ok: false; kind: 'not_found' }
  | { ok: false; kind: 'weak' | 'throttled' | 'switch'; message: string };

/** The credential if it belongs to one of the user's accounts (else null → 404), with its context words. */
export async function credentialForUser(userId: string, credentialId: string) {
  return db.sipCredential.findFirst({ where: { id: credentialId, account: memberOf(userId) }, include: { account: true } });
}

/**
 * Sets a SIP password on the switch, synchronously: only a confirmed change is recorded. The password
 * itself is passed to the switch and forgotten: it is not stored, logged, audited or returned.
 */
export async function resetSipPassword(user: CurrentUser, credentialId: string, password: string, meta: RequestMeta): Promise<ResetOutcome> {
  const cred = await credentialForUser(user.id, credentialId);
  if (!cred) return { ok: false, kind: 'not_found' };
  const verdict = assessPassword(password, {
    userInputs: [cred.account.number, cred.account.name, cred.username, user.email],
    username: cred.username,
    minScore: env().PASSWORD_MIN_SCORE,
  });
  if (!verdict.acceptable) return { ok: false, kind: 'weak', message: verdict.problems.join(' ') };
  if ((await consume('sipPassword', user.id)).rejected) {
    return { ok: false, kind: 'throttled', message: 'Too many password changes in the last hour. Please wait before trying again, or contact support.' };
  }

  const res = await switchClient().setSipPassword(cred.username, password, crypto.randomUUID());
  if (!res.ok) {
    await audit({ action: 'sip_password.change_failed', actor: user, accountId: cred.accountId, target: { type: 'sip_credential', id: cred.id }, detail: { username: cred.username, switch: res.kind, code: res.code }, meta });
    return { ok: false, kind: 'switch', message: `${failureMessage(res, 'the new SIP password')} Nothing is recorded here until the switch confirms; you can try again.` };
  }

  const changedAt = new Date();
  const lifted = await db.$transaction(async (tx) => {
    await tx.sipCredential.update({ where: { id: cred.id }, data: { passwordChangedAt: changedAt, passwordScore: verdict.score } });
    const open = await tx.block.findMany({ where: { accountId: cred.accountId, status: { in: ['active', 'lift_pending'] } }, select: { id: true } });
    for (const b of open) await tx.blockEvent.create({ data: { blockId: b.id, type: 'password_reset', at: changedAt, actor: user.email, detail: `${cred.label} (${cred.username})` } });
    await audit({ action: 'sip_password.changed', actor: user, accountId: cred.accountId, target: { type: 'sip_credential', id: cred.id }, detail: { username: cred.username, score: verdict.score }, meta }, tx);
    const members = await tx.membership.findMany({ where: { accountId: cred.accountId }, include: { user: { select: { email: true, id: true } } } });
    for (const m of members) {
      await queueMail(tx, m.user.email, 'sip_password_changed', { userId: m.user.id, credentialId: cred.id, changedAt: changedAt.toISOString(), ip: meta.ip, by: user.email });
    }
    return liftIfRotated(tx, cred.accountId);
  });
  return { ok: true, liftQueued: lifted.length > 0 };
}

import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { countryName } from '@/lib/phone/format';
import { assertStaff } from '@/lib/auth/session';
import { queueAllowanceDelete, queueAllowancePut } from './operations';
import { allowanceFields, countryProblem, OPEN_STATUSES } from './rules';

// Support decides destination allowances (issue 16). Approving needs the same callback attestation
// as a misdial unblock; a grant from the account page is a decision by itself. Either way the
// allowance only goes to the switch through the outbox (status `sending`), and is shown in force
// once the switch confirms it (lib/allowances/operations.ts).

const id = z.string().min(1).max(64);
export const approveAllowanceSchema = z.object({
  allowanceId: id,
  attest: z.literal('on', 'Confirm that you spoke with the account holder before approving.'),
  note: z.string().trim().min(5, 'Write a note: what the account holder told you on the call.').max(2000),
});
export const denyAllowanceSchema = z.object({
  allowanceId: id,
  note: z.string().trim().min(10, 'Tell the customer why, in a sentence.').max(1000),
});
export const grantAllowanceSchema = z.object({
  accountNumber: z.string().min(1).max(40),
  ...allowanceFields,
});
export const endAllowanceSchema = z.object({ allowanceId: id });

export type StaffAllowanceOutcome =
  | { ok: true }
  | { ok: false; message: string; fieldErrors?: Record<string, string[]> }
  | { ok: false; notFound: true };

const hoursFrom = (now: Date, hours: number) => new Date(now.getTime() + hours * 3600_000);

/** The account is blocked in the portal: an allowance only means something while a block is in force. */
async function blocked(tx: Tx, accountId: string) {
  return (await tx.block.count({ where: { accountId, status: { in: ['active', 'lift_pending'] } } })) > 0;
}

/**
 * Approves a requested allowance after the agent attests the callback: it runs for its requested
 * hours from now and is queued for the switch. Exactly one of two agents deciding at once wins.
 */
export async function approveAllowance(
  user: CurrentUser,
  input: z.output<typeof approveAllowanceSchema>,
  meta: RequestMeta,
): Promise<StaffAllowanceOutcome> {
  assertStaff(user);
  const a = await db.destinationAllowance.findUnique({
    where: { id: input.allowanceId },
    include: { account: true },
  });
  if (!a) return { ok: false, notFound: true };
  return db.$transaction(async (tx): Promise<StaffAllowanceOutcome> => {
    await lockAccount(tx, a.accountId);
    if (!(await blocked(tx, a.accountId)))
      return {
        ok: false,
        message:
          'This account is no longer blocked: no allowance is needed. Deny the request with that reason.',
      };
    const now = new Date();
    const until = hoursFrom(now, a.hours);
    const won = await tx.destinationAllowance.updateMany({
      where: { id: a.id, status: 'requested' },
      data: { status: 'sending', decidedById: user.id, decidedAt: now, decisionNote: input.note, until },
    });
    if (won.count !== 1) return { ok: false, message: 'This request was already decided.' };
    await queueAllowancePut(
      tx,
      a.account,
      { id: a.id, country: a.country, until, reason: a.reason },
      user.email,
    );
    await audit(
      {
        action: 'allowance.approved',
        actor: user,
        accountId: a.accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: {
          country: a.country,
          hours: a.hours,
          until: until.toISOString(),
          attestedCallback: true,
          note: input.note,
        },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}

/** Denies a requested allowance with a reason the customer sees on the block page. */
export async function denyAllowance(
  user: CurrentUser,
  input: z.output<typeof denyAllowanceSchema>,
  meta: RequestMeta,
): Promise<StaffAllowanceOutcome> {
  assertStaff(user);
  const a = await db.destinationAllowance.findUnique({ where: { id: input.allowanceId } });
  if (!a) return { ok: false, notFound: true };
  return db.$transaction(async (tx): Promise<StaffAllowanceOutcome> => {
    const won = await tx.destinationAllowance.updateMany({
      where: { id: a.id, status: 'requested' },
      data: { status: 'denied', decidedById: user.id, decidedAt: new Date(), decisionNote: input.note },
    });
    if (won.count !== 1) return { ok: false, message: 'This request was already decided.' };
    await audit(
      {
        action: 'allowance.denied',
        actor: user,
        accountId: a.accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: { country: a.country, note: input.note },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}

/** Support grants an allowance directly from the account page (no customer request). */
export async function grantAllowance(
  user: CurrentUser,
  input: z.output<typeof grantAllowanceSchema>,
  meta: RequestMeta,
): Promise<StaffAllowanceOutcome> {
  assertStaff(user);
  const account = await db.customerAccount.findUnique({ where: { number: input.accountNumber } });
  if (!account) return { ok: false, notFound: true };
  const problem = countryProblem(input.country, account.country);
  if (problem)
    return {
      ok: false,
      message: 'Please correct the highlighted fields.',
      fieldErrors: { country: [problem] },
    };
  return db.$transaction(async (tx): Promise<StaffAllowanceOutcome> => {
    await lockAccount(tx, account.id);
    if (!(await blocked(tx, account.id)))
      return {
        ok: false,
        message: 'This account is not blocked: international calls already pass, so no allowance is needed.',
      };
    const open = await tx.destinationAllowance.findFirst({
      where: { accountId: account.id, country: input.country, status: { in: [...OPEN_STATUSES] } },
    });
    if (open)
      return {
        ok: false,
        message: `${countryName(input.country)} already has an allowance on this account (${open.status}). Decide or end that one first.`,
      };
    const now = new Date();
    const until = hoursFrom(now, input.hours);
    const a = await tx.destinationAllowance.create({
      data: {
        accountId: account.id,
        country: input.country,
        hours: input.hours,
        reason: input.reason,
        status: 'sending',
        decidedById: user.id,
        decidedAt: now,
        decisionNote: 'Granted by support from the account page.',
        until,
      },
    });
    await queueAllowancePut(
      tx,
      account,
      { id: a.id, country: a.country, until, reason: a.reason },
      user.email,
    );
    await audit(
      {
        action: 'allowance.granted',
        actor: user,
        accountId: account.id,
        target: { type: 'destination_allowance', id: a.id },
        detail: { country: a.country, hours: a.hours, until: until.toISOString(), reason: a.reason },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}

/** Support ends an allowance in force before its time: a DELETE through the outbox; it ends once the switch confirms. */
export async function endAllowanceEarly(
  user: CurrentUser,
  input: z.output<typeof endAllowanceSchema>,
  meta: RequestMeta,
): Promise<StaffAllowanceOutcome> {
  assertStaff(user);
  const a = await db.destinationAllowance.findUnique({
    where: { id: input.allowanceId },
    include: { account: true },
  });
  if (!a) return { ok: false, notFound: true };
  return db.$transaction(async (tx): Promise<StaffAllowanceOutcome> => {
    await lockAccount(tx, a.accountId);
    const row = await tx.destinationAllowance.findUniqueOrThrow({ where: { id: a.id } });
    if (row.status !== 'active') return { ok: false, message: 'Only an allowance in force can be ended.' };
    const queued = await tx.switchOperation.count({
      where: {
        kind: 'allowance_delete',
        status: 'pending',
        accountNumber: a.account.number,
        payload: { contains: a.id },
      },
    });
    if (queued) return { ok: false, message: 'Ending this allowance is already waiting for the switch.' };
    await queueAllowanceDelete(tx, a.account, a, user.email);
    await audit(
      {
        action: 'allowance.end_requested',
        actor: user,
        accountId: a.accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: { country: a.country },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}

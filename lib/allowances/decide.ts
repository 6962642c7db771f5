import 'server-only';
import { z } from 'zod';
import { displayEmail } from '@/lib/auth/email-address';
import { db, type Tx } from '@/lib/server/db';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';
import type { Outcome } from '@/lib/server/outcome';
import { hiddenValue, postedId } from '@/lib/server/form-issues';
import type { AuditAction } from '@/lib/audit/names';
import { localeOf } from '@/lib/i18n/locales';
import { storeNote, storePersonText } from '@/lib/i18n/stored';
import { lockAccount } from '@/lib/server/db/lock';
import { countryName } from '@/lib/phone/format';
import { NO_CLAIM } from '@/lib/requests/claim-columns';
import { askerGone, askerGoneRefusal } from '@/lib/requests/decide';
import { AWAITS_SWITCH, type AwaitsSwitch } from '@/lib/switch/awaits-switch';
import { accountBlocked as blocked, latestBlockInForce } from './blocked';
import { doorRefusal, readFraudDoors } from './fraud-door';
import { endingOnSwitch, queueAllowanceDelete, queueAllowancePut } from './operations';
import { notifyDenied } from './notify';
import { allowanceFields, countryProblem, OPEN_STATUSES } from './rules';

// Support decides destination allowances (issue 16). Approving needs the same callback attestation
// as a misdial unblock; a grant from the account page is a decision by itself. Either way the
// allowance only goes to the switch through the outbox (status `sending`), and is shown in force
// once the switch confirms it (lib/allowances/operations.ts). Each decision is one transaction that
// only one agent can win (lib/server/decide-once.ts); refusals are notes under outcome.allowance.*.

export const approveAllowanceSchema = z.object({
  allowanceId: postedId,
  attest: z.literal('on', 'outcome.field.attestCallback'),
  note: z.string().trim().min(5, 'outcome.field.callNote').max(2000),
});
export const denyAllowanceSchema = z.object({
  allowanceId: postedId,
  note: z.string().trim().min(10, 'outcome.field.allowanceDenyReason').max(1000),
});
export const grantAllowanceSchema = z.object({ accountNumber: hiddenValue(40), ...allowanceFields });
export const endAllowanceSchema = z.object({ allowanceId: postedId });

/**
 * ok with a note (`outcome.allowance.sent`, `denied`, `endSent`), and for the two that went to the
 * switch (`sent`, `endSent`) the data AWAITS_SWITCH: the form drops their words once the page shows
 * the switch's answer. not_found for an unknown id or account number; `refused` for an approval of a
 * country whose trigger calls went through a credential that keeps the fraud's password (fraud-door.ts:
 * the card said so before the press); otherwise invalid (field notes) or conflict: every other
 * refusal means the account or the allowance moved on since the page was drawn (someone decided
 * first, the account is no longer blocked, a new block came, the allowance is no longer in force, a
 * change still waits for the switch), and the page is drawn again under it.
 */
export type StaffAllowanceOutcome = Outcome<AwaitsSwitch>;

const hoursFrom = (now: Date, hours: number) => new Date(now.getTime() + hours * 3600_000);

/**
 * A decision about allowance `a` is done: its audit row (`action`, `detail`) and the agent's note
 * `outcome.allowance.<note>`; `sent` and `endSent` went to the switch (data AWAITS_SWITCH).
 */
const decided = (
  action: AuditAction,
  a: { id: string; accountId: string },
  detail: Record<string, unknown>,
  note: 'sent' | 'denied' | 'endSent',
): Decision<AwaitsSwitch> =>
  done(
    { action, accountId: a.accountId, target: { type: 'destination_allowance', id: a.id }, detail },
    `outcome.allowance.${note}`,
    note === 'denied' ? undefined : AWAITS_SWITCH,
  );
/**
 * The refusal of whoever lost an allowance claim, saying what the winner did: values `status`
 * (`approved`: sent to the switch or since then in force, ended or refused by it; `denied`;
 * `closedByTollgate`: denied with no person, because a new block came into force; `closedByLift`:
 * closed because the account's last block was lifted, operations.ts closeWaitingRequests; else `other`) and
 * `by` (the deciding agent's address as displayEmail shows it). Nothing of the loser's attempt stays.
 */
async function decidedFirst(tx: Tx, id: string): Promise<Decision<AwaitsSwitch>> {
  const now = await tx.destinationAllowance.findUnique({
    where: { id },
    select: { status: true, decidedById: true },
  });
  const agent = now?.decidedById
    ? await tx.user.findUnique({ where: { id: now.decidedById }, select: { email: true } })
    : null;
  const by = agent ? displayEmail(agent.email) : '';
  return refuse('conflict', 'outcome.allowance.alreadyDecided', { status: winner(now, !!agent), by });
}

/** decidedFirst's `status` for the row as the winner left it (`agent`: a person decided it). */
function winner(now: { status: string; decidedById: string | null } | null, agent: boolean): string {
  if (!now) return 'other';
  if (now.status === 'closed') return 'closedByLift';
  if (now.status === 'denied' && !now.decidedById) return 'closedByTollgate';
  if (!agent) return 'other';
  if (now.status === 'denied') return 'denied';
  return ['sending', 'active', 'ended', 'refused'].includes(now.status) ? 'approved' : 'other';
}

const loadAllowance = (input: { allowanceId: string }) =>
  db.destinationAllowance.findUnique({ where: { id: input.allowanceId }, include: { account: true } });
const loadAccount = (input: { accountNumber: string }) =>
  db.customerAccount.findUnique({ where: { number: input.accountNumber } });

/**
 * Approves a requested allowance after the agent attests the callback: it runs for its requested
 * hours from now and is queued for the switch. Exactly one of two agents deciding at once wins.
 * Refused (conflict `outcome.allowance.askerLeft`, values `who` and `why` as lib/requests/decide.ts
 * askerGone gives them; nothing changes) when the customer who asked no longer speaks for the account:
 * removed from it, their login disabled or gone, read under the account's lock, so also when that
 * happened after the page was drawn. An allowance is then never approved on their word: the agent
 * denies the request and, after a call with a current member, grants one from the account page
 * (grantAllowance, a decision of the agent's own).
 * Refused too (`refused`, `outcome.allowance.passwordFirst`: the country, the credentials and that
 * the agent cannot change them; nothing changes, nothing is sent) while a trigger call to the
 * country, of a block in force whose reason is not `high_risk_destination`, was made through a SIP
 * credential whose password was not changed since that block (fraud-door.ts), read under the
 * account's lock in this transaction: a password changed, or a block placed, after the page was drawn
 * counts.
 */
export const approveAllowance = staffDecision(
  loadAllowance,
  async (tx, a, input: z.output<typeof approveAllowanceSchema>, user): Promise<Decision<AwaitsSwitch>> => {
    await lockAccount(tx, a.accountId);
    // Decided or closed meanwhile (a lift or a new block closes a waiting request): say what happened
    // rather than a rule that no longer applies to it ("deny it" for a request already closed).
    const current = await tx.destinationAllowance.findUnique({
      where: { id: a.id },
      select: { status: true },
    });
    if (current?.status !== 'requested') return decidedFirst(tx, a.id);
    if (!(await blocked(tx, a.accountId))) return refuse('conflict', 'outcome.allowance.noLongerBlocked');
    // An allowance is an exception to the block it was asked under (operations.ts
    // endAllowancesWithBlock): approved under a later block, it would let that block's fraud through.
    if (a.blockId && (await latestBlockInForce(tx, a.accountId)) !== a.blockId)
      return refuse('conflict', 'outcome.allowance.earlierBlock');
    if (await endingOnSwitch(tx, a.account.number, a.country))
      return refuse('conflict', 'outcome.allowance.endingOnSwitch', {
        country: countryName(a.country, localeOf(user)),
      });
    // The asker may have been removed (or their login disabled) since they asked, or since the page
    // was drawn: calls to a country through a fraud block are never opened on their word alone.
    const gone = a.requestedById ? await askerGone(tx, a.accountId, a.requestedById) : null;
    if (gone) return askerGoneRefusal(gone, 'outcome.allowance.askerLeft');
    // Not through the door the fraud came in: the credentials its calls there used keep its password.
    const door = doorRefusal((await readFraudDoors(tx, a.accountId)).get(a.country), 'staff', localeOf(user));
    if (door) return refuse('refused', door.key, door.values);
    const now = new Date();
    const until = hoursFrom(now, a.hours);
    const won = await tx.destinationAllowance.updateMany({
      where: { id: a.id, status: 'requested' },
      data: {
        status: 'sending',
        decidedById: user.id,
        decidedAt: now,
        decisionNote: storePersonText(input.note),
        until,
        // A decision ends the agent's claim on the request (lib/allowances/claim.ts), whoever held it.
        ...NO_CLAIM,
      },
    });
    if (won.count !== 1) return decidedFirst(tx, a.id);
    const { country, hours, reason } = a;
    await queueAllowancePut(tx, a.account, { id: a.id, country, until, reason }, user.email);
    const detail = { country, hours, until: until.toISOString(), attestedCallback: true, note: input.note };
    return decided('allowance.approved', a, detail, 'sent');
  },
);

/**
 * Denies a requested allowance with a reason the customer sees on the block page and in the mail to
 * the one who asked (`allowance_denied`, queued in this transaction: notify.ts notifyDenied).
 */
export const denyAllowance = staffDecision(
  loadAllowance,
  async (tx, a, input: z.output<typeof denyAllowanceSchema>, user): Promise<Decision<AwaitsSwitch>> => {
    const by = { decidedById: user.id, decidedAt: new Date(), decisionNote: storePersonText(input.note) };
    const won = await tx.destinationAllowance.updateMany({
      where: { id: a.id, status: 'requested' },
      data: { status: 'denied', ...by, ...NO_CLAIM },
    });
    if (won.count !== 1) return decidedFirst(tx, a.id);
    // The customer who asked hears of it, as of an unblock request's denial (lib/requests/decide.ts).
    await notifyDenied(tx, a);
    return decided('allowance.denied', a, { country: a.country, note: input.note }, 'denied');
  },
);

/**
 * Support grants an allowance `{country, hours, reason}` directly from the account page (no customer
 * request), while the account is blocked. Refused (`invalid`, on the country field) for a country it
 * cannot have (rules.ts countryProblem), or, read under the account's lock in this transaction, one a
 * trigger call of a block in force (not `high_risk_destination`) went to through a SIP credential whose
 * password was not changed since that block (fraud-door.ts: `outcome.allowance.passwordFirst`, which
 * says the agent cannot change it). Nothing is written or sent then.
 */
export const grantAllowance = staffDecision(
  loadAccount,
  async (
    tx,
    account,
    input: z.output<typeof grantAllowanceSchema>,
    user,
  ): Promise<Decision<AwaitsSwitch>> => {
    const locale = localeOf(user);
    const { country, hours, reason } = input;
    const problem = countryProblem(country, account.country, locale);
    if (problem)
      return refuse('invalid', 'outcome.correctFields', undefined, { fieldErrors: { country: [problem] } });
    await lockAccount(tx, account.id);
    // The grant form is offered only while the account is blocked: lifted since the page was drawn.
    if (!(await blocked(tx, account.id))) return refuse('conflict', 'outcome.allowance.notBlocked');
    const door = doorRefusal((await readFraudDoors(tx, account.id)).get(country), 'staff', locale);
    if (door)
      return refuse('invalid', 'outcome.correctFields', undefined, { fieldErrors: { country: [door] } });
    const open = await tx.destinationAllowance.findFirst({
      where: { accountId: account.id, country, status: { in: [...OPEN_STATUSES] } },
    });
    if (open)
      return refuse('conflict', 'outcome.allowance.openGrant', {
        country: countryName(country, locale),
        status: open.status,
      });
    if (await endingOnSwitch(tx, account.number, country))
      return refuse('conflict', 'outcome.allowance.endingOnSwitch', {
        country: countryName(country, locale),
      });
    const now = new Date();
    const until = hoursFrom(now, hours);
    const by = {
      decidedById: user.id,
      decidedAt: now,
      decisionNote: storeNote('history.grantedFromAccount'),
    };
    const a = await tx.destinationAllowance.create({
      data: { accountId: account.id, country, hours, reason, status: 'sending', until, ...by },
    });
    await queueAllowancePut(tx, account, { id: a.id, country, until, reason }, user.email);
    const detail = { country, hours, until: until.toISOString(), reason };
    return decided('allowance.granted', a, detail, 'sent');
  },
);

/** Support ends an allowance in force before its time: a DELETE through the outbox; it ends once the switch confirms. */
export const endAllowanceEarly = staffDecision(
  loadAllowance,
  async (tx, a, _input: z.output<typeof endAllowanceSchema>, user): Promise<Decision<AwaitsSwitch>> => {
    await lockAccount(tx, a.accountId);
    const row = await tx.destinationAllowance.findUniqueOrThrow({ where: { id: a.id } });
    // "End now" is offered only while it is in force: ended (or expired) since the page was drawn.
    if (row.status !== 'active') return refuse('conflict', 'outcome.allowance.notInForce');
    const accountNumber = a.account.number;
    const queued = await tx.switchOperation.count({
      where: { kind: 'allowance_delete', status: 'pending', accountNumber, payload: { contains: a.id } },
    });
    if (queued) return refuse('conflict', 'outcome.allowance.endQueued');
    await queueAllowanceDelete(tx, a.account, a, user.email);
    return decided('allowance.end_requested', a, { country: a.country }, 'endSent');
  },
);

import 'server-only';
import { z } from 'zod';
import { db } from '@/lib/server/db';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';
import type { Outcome } from '@/lib/server/outcome';
import { hiddenValue, postedId, postedList } from '@/lib/server/form-issues';
import { requestLift, requestManualBlock } from '@/lib/blocks/lifecycle';
import { AWAITS_SWITCH, type AwaitsSwitch } from '@/lib/switch/awaits-switch';
import { LIFT_REFUSAL_CODE, liftRefusal } from './refusals';
import { requestFormatTag } from '@/lib/i18n/request-locale';
import { catalogueLocale } from '@/lib/i18n/locales';

// Support blocks or lifts by hand. Both go through the switch outbox: the decision is recorded at
// once, and nothing is shown as done (or in force) until the switch confirms. Refusals are catalogue
// notes (outcome.manual.*, outcome.lift.*); the action wrapper words them for the agent.

const note = z.string().trim().min(5, 'outcome.field.staffNote').max(2000);
export const placeSchema = z.object({ accountNumber: hiddenValue(40), note });
export const liftSchema = z.object({
  blockId: postedId,
  note,
  'alsoLift[]': postedList().pipe(z.array(postedId).max(50)).optional(),
});

/**
 * ok with the note `outcome.manual.placeSent` / `liftSent` (sent to the switch, not yet in force) and
 * the data AWAITS_SWITCH (the form drops those words once the page shows the switch's answer);
 * not_found for an unknown account or block; otherwise a conflict with the lifecycle's reason: each
 * refusal means the account moved on since the page was drawn (a block placed, lifting or lifted,
 * a change still waiting for the switch), so the page is drawn again under it.
 */
export type ManualOutcome = Outcome<AwaitsSwitch>;

/** Support places a manual block on an account (by its number); in force once the switch confirms. */
export const placeManualBlock = staffDecision(
  (input: z.output<typeof placeSchema>) =>
    db.customerAccount.findUnique({ where: { number: input.accountNumber } }),
  async (tx, account, input, user): Promise<Decision<AwaitsSwitch>> => {
    const res = await requestManualBlock(tx, account, user.email, input.note);
    // The form is offered only while nothing is in force or waiting: either refusal means a block or
    // a change came since the page was drawn.
    if (!res.ok)
      return refuse('conflict', `outcome.manual.${res.kind === 'block_open' ? 'blockOpen' : 'switchBusy'}`);
    const target = { type: 'switch_operation', id: res.opId };
    const detail = { reason: 'manual', note: input.note };
    return done(
      { action: 'block.place_requested', accountId: account.id, target, detail },
      'outcome.manual.placeSent',
      AWAITS_SWITCH,
    );
  },
);

/** Support lifts a block, and exactly the other blocks of the account they ticked (a lift is account-wide). */
export const liftBlockByStaff = staffDecision(
  (input: z.output<typeof liftSchema>) => db.block.findUnique({ where: { id: input.blockId } }),
  async (tx, block, input, user): Promise<Decision<AwaitsSwitch>> => {
    const blockIds = [block.id, ...(input['alsoLift[]'] ?? []).filter((id) => id !== block.id)];
    const { accountId } = block;
    const res = await requestLift(tx, {
      accountId,
      blockIds,
      actor: user.email,
      reason: 'Lifted by support',
      by: 'staff',
    });
    if (!res.ok) {
      const tag = await requestFormatTag(catalogueLocale(user.locale), user);
      const why = liftRefusal(res, { ...user, formatTag: tag });
      return refuse(LIFT_REFUSAL_CODE, why.key, why.values);
    }
    // Each once, and not the block itself: requestLift's list, not the form's (`alsoLift[]=B&alsoLift[]=B`).
    const detail = {
      by: 'staff',
      note: input.note,
      alsoLifted: res.blockIds.filter((id) => id !== block.id),
    };
    return done(
      { action: 'block.lift_requested', accountId, target: { type: 'block', id: block.id }, detail },
      'outcome.manual.liftSent',
      AWAITS_SWITCH,
    );
  },
);

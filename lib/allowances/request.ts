import 'server-only';
import { z } from 'zod';
import { memberOf } from '@/lib/accounts/queries';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { postedId } from '@/lib/server/form-issues';
import { countryName } from '@/lib/phone/format';
import {
  CALLBACK_PHONE,
  callbackPhoneFor,
  checkForm,
  noteIssue,
  type PostedForm,
} from '@/lib/requests/fields';
import { accountCountry } from '@/lib/phone/plan';
import { localeOf } from '@/lib/i18n/locales';
import { queueMail } from '@/lib/mail/queue';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { allowanceFields, countryProblem, OPEN_STATUSES } from './rules';
import { latestBlockInForce } from './blocked';
import { doorRefusal, readFraudDoors, type CountryDoor } from './fraud-door';
import { countRequest } from '@/lib/requests/submit';

// A customer asks for a destination allowance from the block page (issue 16). Nothing reaches the
// switch here: support calls the account holder back and decides (lib/allowances/decide.ts).

/**
 * The customer's allowance form as far as it can be checked without its block (requestAllowance
 * checks the posted form with it and the block's rules: requestSchemaFor). Messages are catalogue keys.
 */
export const requestAllowanceSchema = z.object({
  blockId: postedId,
  ...allowanceFields,
  // The same field, rule and note as a misdial's (lib/requests/submit.ts).
  callbackPhone: CALLBACK_PHONE,
});

/**
 * requestAllowanceSchema with the rules of the block's account, each on its own field: the country
 * is one it may ask for (rules.ts countryProblem: known, not its own `home` country, named in
 * `locale`; and not one whose trigger calls went through a credential whose password was not changed
 * since its block, as `doors` says: fraud-door.ts doorRefusal), the callback phone one support may
 * call (callbackPhoneFor, against the block's trigger call `destinations`). Every field is checked on
 * every submission (lib/requests/fields.ts checkForm).
 */
function requestSchemaFor(
  home: string,
  destinations: string[],
  locale: string,
  doors: Map<string, CountryDoor>,
) {
  return requestAllowanceSchema.extend({
    country: allowanceFields.country.superRefine((country, ctx) => {
      const problem =
        countryProblem(country, home, locale) ?? doorRefusal(doors.get(country), 'customer', locale);
      if (problem) noteIssue(ctx, problem);
    }),
    callbackPhone: callbackPhoneFor(accountCountry(home), destinations, locale),
  });
}

/** The new allowance's id, or why not (notes under outcome.allowance.*, field notes under outcome.field.allowance.*). */
export type AllowanceOutcome = Outcome<{ allowanceId: string }>;

/**
 * Records a request `{country, hours (1–72), reason, callbackPhone}` (`posted`: the allowance form as
 * sent, with the block's id) for the block's account, scoped to the caller's accounts (another id →
 * not_found). Refused with a note, changing nothing, when the block is not in force; with every
 * field's problem at once (`invalid`) when a field breaks its rule: the country unknown or the
 * account's own, or one a trigger call of a block in force went to through a SIP credential whose
 * password was not changed since that block, unless the block's reason is `high_risk_destination`
 * (fraud-door.ts: the note names the credentials and says to change their passwords first; read again
 * under the account's lock when the request is filed, so a block that came meanwhile counts), the
 * callback number one support must not call (lib/phone/callback.ts, as for a
 * misdial), and the form's own rules (requestAllowanceSchema); as a conflict when an allowance for
 * that country is already asked for or in force; as `throttled` over the request limits
 * (lib/requests/submit.ts countRequest, counted on the block it is filed under; a request not filed
 * is not counted). Filed under the account's newest block in force
 * (blocked.ts latestBlockInForce), whichever block's page it was asked from. The callback number is
 * stored in E.164. Audited as `allowance.requested` (without the number), and the caller is sent
 * a receipt (`allowance_received`) queued in the same transaction.
 */
export async function requestAllowance(
  user: CurrentUser,
  posted: PostedForm,
  meta: RequestMeta,
): Promise<AllowanceOutcome> {
  const block = await db.block.findFirst({
    where: { id: posted.blockId, account: memberOf(user.id) },
    include: { account: true, calls: { select: { to: true } } },
  });
  if (!block) return missing();
  if (block.status !== 'active') return fail('refused', 'outcome.allowance.blockNotActive');
  const locale = localeOf(user);
  const checked = checkForm(
    requestSchemaFor(
      block.account.country,
      block.calls.map((c) => c.to),
      locale,
      await readFraudDoors(db, block.accountId),
    ),
    posted,
  );
  if (!checked.ok) return fail('invalid', 'outcome.correctFields', undefined, checked.fieldErrors);
  const input = checked.data;
  // Counted on the block it will be filed under (below), whichever block's page it was asked from.
  const counted = await countRequest(user, {
    id: (await latestBlockInForce(db, block.accountId)) ?? block.id,
    accountId: block.accountId,
  });
  if (!counted.ok) return counted.refusal;
  let filed = false;
  try {
    const r = await fileRequest(user, block.accountId, input, locale, meta);
    filed = r.ok;
    return r;
  } finally {
    if (!filed) await counted.giveBack();
  }
}

/**
 * requestAllowance's write, under the account's lock: the allowance `input` for account `accountId`,
 * its audit row and its receipt, or the conflict / refusal that files nothing (among them the
 * country's door, fraud-door.ts, read again here: a block may have come since the form was checked).
 */
async function fileRequest(
  user: CurrentUser,
  accountId: string,
  input: z.output<typeof requestAllowanceSchema>,
  locale: string,
  meta: RequestMeta,
): Promise<AllowanceOutcome> {
  return db.$transaction(async (tx): Promise<AllowanceOutcome> => {
    await lockAccount(tx, accountId);
    const door = doorRefusal((await readFraudDoors(tx, accountId)).get(input.country), 'customer', locale);
    if (door) return fail('invalid', 'outcome.correctFields', undefined, { country: [door] });
    const open = await tx.destinationAllowance.findFirst({
      where: { accountId, country: input.country, status: { in: [...OPEN_STATUSES] } },
    });
    if (open)
      return fail('conflict', 'outcome.allowance.open', {
        country: countryName(input.country, locale),
        status: open.status,
      });
    // Asked from the page of an earlier block still in force beside a newer one, the request is filed
    // under the newest: filed under the earlier block, no agent could approve it (decide.ts), and the
    // customer would read "waiting for support to call you back" for a request nobody can grant.
    // None in force any more (a lift committed since the read above): nothing to make an exception
    // to; filed under the lifted block, it read "waiting for support" on an unblocked account.
    const blockId = await latestBlockInForce(tx, accountId);
    if (!blockId) return fail('refused', 'outcome.allowance.blockNotActive');
    const a = await tx.destinationAllowance.create({
      data: {
        accountId,
        blockId,
        country: input.country,
        hours: input.hours,
        reason: input.reason,
        callbackPhone: input.callbackPhone,
        requestedById: user.id,
      },
    });
    await audit(
      {
        action: 'allowance.requested',
        actor: user,
        accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: { blockId, country: input.country, hours: input.hours, reason: input.reason },
        meta,
      },
      tx,
    );
    // The receipt, as for an unblock request (lib/requests/submit.ts): queued with the request, so a
    // request refused (already open, block lifted) or rolled back mails nothing.
    await queueMail(tx, user.email, 'allowance_received', { userId: user.id, allowanceId: a.id });
    return succeed({ allowanceId: a.id });
  });
}

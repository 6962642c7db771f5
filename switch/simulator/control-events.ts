import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { blockReasonSchema, type BlockReason, type SwitchEvent } from '../../lib/switch/events-schema';
import { hasControlCharacter } from '../../lib/server/control-characters';
import { accountNumberSchema } from '../../lib/switch/schemas';
import { credentialsOf, getAccount, setCalling } from './accounts';
import type { SimContext } from './context';
import type { EventRow } from './delivery';
import { buildBlockLifted, buildBlockPlaced } from './fraud';
import { HttpError, parseBody, readJson } from './http';

// Control API: the switch's fraud monitor places a block, or an operator lifts one. Both change the
// account and queue the event in one transaction, then try to deliver it at once.

/**
 * The dialled number as a switch writes it, passed through as text (issue 14): E.164 or digits, a
 * `tel:` or `sip:` URI, spaced or dashed, a PBX's access code and IDD prefix first — every form
 * docs/switch-api.md (`calls`) says Tollgate reads, and forms it keeps as text. 1–100 characters
 * (what Tollgate keeps of unread text) with no control character, and at least 4 digits: a dialled
 * number, not a name ("Somalia").
 */
export const dialledText = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !hasControlCharacter(s), 'must not contain control characters')
  .refine((s) => (s.match(/\d/g) ?? []).length >= 4, 'must be a dialled number (at least 4 digits)');

const fraudSchema = z.strictObject({
  accountNumber: accountNumberSchema,
  to: dialledText,
  reason: blockReasonSchema.default('high_risk_destination'),
  sourceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});
const liftSchema = z.strictObject({
  accountNumber: accountNumberSchema,
  actor: z.string().min(1).max(200).default('switch'),
});

export async function fraud(ctx: SimContext, req: IncomingMessage): Promise<[number, unknown]> {
  const body = parseBody(fraudSchema, await readJson(req));
  const { wasBlocked, event } = await placeFraudBlock(ctx, body);
  return [202, { wasBlocked, event, delivery: eventView(ctx.events.get(event.id)!) }];
}

/**
 * The switch's fraud monitoring blocks `accountNumber`: its international calling set to blocked and
 * a block.placed event (trigger calls through the account's own SIP usernames, the first to `to`)
 * queued in one transaction, then delivered at once (awaited). Used by POST /_sim/fraud and by the
 * `fraudNext` fault (faults.ts), which places it while a /v1 call is in flight.
 * Errors: HttpError 404 account_not_found; 409 no_sip_credentials (no username to place calls through).
 */
export async function placeFraudBlock(
  ctx: SimContext,
  body: { accountNumber: string; to: string; reason?: BlockReason; sourceIp?: string },
): Promise<{ wasBlocked: boolean; event: SwitchEvent }> {
  const reason = body.reason ?? 'high_risk_destination';
  const account = getAccount(ctx.db, body.accountNumber);
  if (!account) throw new HttpError(404, 'account_not_found', `no account ${body.accountNumber}`);
  const usernames = credentialsOf(ctx.db, body.accountNumber).map((c) => c.username);
  if (usernames.length === 0)
    throw new HttpError(
      409,
      'no_sip_credentials',
      `${body.accountNumber} has no SIP credentials to place calls through`,
    );
  const event = buildBlockPlaced({ ...body, reason, usernames });
  if (event.type !== 'block.placed') throw new Error('unreachable');
  ctx.db.transaction(() => {
    setCalling(ctx.db, body.accountNumber, {
      state: 'blocked',
      reason,
      actor: 'fraud-monitor',
      source: 'fraud',
      at: event.occurredAt,
    });
    ctx.events.enqueue(event.id, body.accountNumber, event.type, JSON.stringify(event));
  })();
  await ctx.events.deliverDue(true);
  return { wasBlocked: account.internationalCalling === 'blocked', event };
}

export async function lift(ctx: SimContext, req: IncomingMessage): Promise<[number, unknown]> {
  const body = parseBody(liftSchema, await readJson(req));
  if (!getAccount(ctx.db, body.accountNumber))
    throw new HttpError(404, 'account_not_found', `no account ${body.accountNumber}`);
  const event = buildBlockLifted(body.accountNumber, body.actor);
  ctx.db.transaction(() => {
    setCalling(ctx.db, body.accountNumber, {
      state: 'allowed',
      reason: null,
      actor: body.actor,
      source: 'control',
      at: event.occurredAt,
    });
    ctx.events.enqueue(event.id, body.accountNumber, event.type, JSON.stringify(event));
  })();
  await ctx.events.deliverDue(true);
  return [202, { event, delivery: eventView(ctx.events.get(event.id)!) }];
}

export function eventView(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    accountNumber: e.account_number,
    status: e.status,
    attempts: e.attempts,
    lastStatus: e.last_status,
    lastError: e.last_error,
    body: JSON.parse(e.body) as unknown,
  };
}

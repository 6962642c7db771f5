import { z } from 'zod';
import { hasControlCharacter } from '../server/control-characters';
import { accountNumberSchema, sipUsernameSchema, switchTimeReadSchema } from './schemas';

// CONTRACTS §4 event bodies. Every string is bounded so that a signed-but-buggy switch cannot make
// Tollgate store or render unbounded text. Unknown extra keys are stripped, not rejected: the raw
// body is stored verbatim anyway, and a switch adding a field must not make its events bounce.
// No `server-only`: the simulator builds its events against this same schema (so relative imports).
// A free-text string refuses control characters (lib/server/control-characters.ts): PostgreSQL
// refuses NUL in text, and a stored actor is shown to people; such an event is malformed (400).

/** Free text of an event: trimmed, 1–`max` characters, no control character. */
const eventText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacter(s), 'must not contain control characters');

export const blockReasons = [
  'high_risk_destination',
  'hotspot_source_ip',
  'suspicious_pattern',
  'manual',
] as const;
export const blockReasonSchema = z.enum(blockReasons);
export type BlockReason = z.infer<typeof blockReasonSchema>;

export const eventIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1–100 of letters, digits, _ and -');

/**
 * An event's time: RFC 3339 once ISO 8601's other spellings are put in its form (switchTimeReadSchema,
 * the reader of every switch time): a switch writing `2026-11-25 10:14:03+0100` had every block
 * refused with 400 (inputs-20). The parsed event carries the RFC 3339 text; the stored raw body keeps
 * what was sent.
 */
const isoDateTime = switchTimeReadSchema;

export const triggerCallSchema = z.object({
  at: isoDateTime,
  /** The SIP credential (username) the call was placed through. */
  from: sipUsernameSchema,
  /** Dialled number as the switch saw it: E.164 with `+`, or digits with an international prefix. */
  to: z.string().regex(/^\+?[0-9]{1,32}$/, 'must be a dialled number (digits, optional leading +)'),
  sourceIp: z.union([z.ipv4(), z.ipv6()]),
  durationSec: z.int().min(0).max(86_400),
});
export type TriggerCall = z.infer<typeof triggerCallSchema>;

/**
 * The calls of a `block.placed` as received: each one is evidence, read field by field when the
 * block is stored (lib/blocks/trigger-calls.ts), never a reason to refuse the block. The envelope
 * (id, type, occurredAt, accountNumber, reason) is what must be valid; `triggerCallSchema` above is
 * the contract's form, which the simulator writes (but for `to` when its `fraud` control is given
 * another form a switch writes, `tel:…` or PBX digits: switch/simulator/control-events.ts).
 * Missing or not a list: no calls (a `manual` block placed by the provider's staff may come without
 * calls). The body limit (64 KB) bounds the list.
 */
const receivedCallsSchema = z.array(z.unknown()).catch([]);

export const blockPlacedEventSchema = z.object({
  id: eventIdSchema,
  type: z.literal('block.placed'),
  occurredAt: isoDateTime,
  data: z.object({
    accountNumber: accountNumberSchema,
    reason: blockReasonSchema,
    calls: receivedCallsSchema,
  }),
});

export const blockLiftedEventSchema = z.object({
  id: eventIdSchema,
  type: z.literal('block.lifted'),
  occurredAt: isoDateTime,
  data: z.object({ accountNumber: accountNumberSchema, actor: eventText(200) }),
});

export const switchEventSchema = z.discriminatedUnion('type', [
  blockPlacedEventSchema,
  blockLiftedEventSchema,
]);
export type SwitchEvent = z.infer<typeof switchEventSchema>;
export type BlockPlacedEvent = z.infer<typeof blockPlacedEventSchema>;
export type BlockLiftedEvent = z.infer<typeof blockLiftedEventSchema>;

import { z } from 'zod';
import { cutWhole, withoutControlCharacters } from '../server/control-characters';
import { accountNumberSchema, sipUsernameSchema, SWITCH_ACTOR_MAX, switchTimeReadSchema } from './schemas';

// CONTRACTS §4 event bodies. Every string is bounded so that a signed-but-buggy switch cannot make
// Tollgate store or render unbounded text. Unknown extra keys are stripped, not rejected: the raw
// body is stored verbatim anyway, and a switch adding a field must not make its events bounce.
// No `server-only`: the simulator builds its events against this same schema (so relative imports).
// lib/blocks/ingest.ts parses the route's body with parseReceivedJson (lib/server/control-characters.ts),
// so every string here arrives with a lone surrogate written out as its escape (`\ud800`), never as
// half a pair: no field needs its own care for one, and bounds count the escape.
// What decides what an event does (id, type, occurredAt, accountNumber, reason) is strict: a wrong
// one refuses the event (400). What is only evidence or attribution is read, never a reason to
// refuse: the calls (below) and `block.lifted`'s `actor` (receivedLabel). A lift the switch made is
// a fact; refusing its event for a long or blank actor left the block in force in the portal, and
// the reconciler then blocked the account on the switch again, against the operator who lifted it.

/**
 * The longest `actor` of a `block.lifted` that is kept, in UTF-16 code units as zod counts a
 * string's length (CONTRACTS §4; docs/switch-api.md part 2): the switch API's own limit for an
 * actor (lib/switch/schemas.ts SWITCH_ACTOR_MAX).
 */
export const EVENT_ACTOR_MAX = SWITCH_ACTOR_MAX;

/**
 * The `actor` kept for a `block.lifted` whose `actor` text names nobody (blank, or only control
 * characters): the switch lifted the block, so it is what the timeline names
 * (components/ui/actor-name.tsx shows it as "the switch"). A missing `actor`, or one that is not a
 * string, is a schema violation (CONTRACTS §4: `"actor": string`) and refused with 400.
 */
export const EVENT_ACTOR_FALLBACK = 'switch';

/** C1 control characters (U+0080–U+009F); lib/server/control-characters.ts handles C0 and DEL. */
const C1_CONTROL = /[\u0080-\u009f]/g;

/**
 * A received label (who did something: `block.lifted`'s `actor`) as it is stored and shown, never a
 * reason to refuse the event it came in:
 * - each control character (C0 including tab and line breaks, DEL, C1) becomes a space and each
 *   invisible formatting character (bidi overrides, zero-width) is dropped
 *   (lib/server/control-characters.ts withoutControlCharacters: PostgreSQL refuses NUL in text, and
 *   an override would reorder what staff read), runs of white space become one space, and the ends
 *   are trimmed;
 * - empty after that: `fallback`;
 * - longer than `max` UTF-16 code units: cut to `max` - 1 without halving a character outside the BMP
 *   (cutWhole) and ended with "…", so the result is at most `max` long and says it was cut.
 * Example: receivedLabel('noc:\u0000jane', 200, 'switch') is "noc: jane"; receivedLabel('  ', 200,
 * 'switch') is "switch".
 */
export function receivedLabel(text: string, max: number, fallback: string): string {
  const clean = withoutControlCharacters(text).replace(C1_CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (clean === '') return fallback;
  return clean.length <= max ? clean : `${cutWhole(clean, max - 1).trimEnd()}…`;
}

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
  data: z.object({
    accountNumber: accountNumberSchema,
    /** Who lifted it: attribution, any text read by receivedLabel ("switch" when it names nobody). */
    actor: z.string().transform((v) => receivedLabel(v, EVENT_ACTOR_MAX, EVENT_ACTOR_FALLBACK)),
  }),
});

export const switchEventSchema = z.discriminatedUnion('type', [
  blockPlacedEventSchema,
  blockLiftedEventSchema,
]);
export type SwitchEvent = z.infer<typeof switchEventSchema>;
export type BlockPlacedEvent = z.infer<typeof blockPlacedEventSchema>;
export type BlockLiftedEvent = z.infer<typeof blockLiftedEventSchema>;

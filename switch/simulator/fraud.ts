import {
  switchEventSchema,
  type BlockReason,
  type SwitchEvent,
  type TriggerCall,
} from '../../lib/switch/events-schema';
import { newEventId } from './ids';

// What the fraud monitor of a switch sees just before it blocks an account: a short burst of calls
// through the account's own SIP credentials, from a source IP abroad, to a premium-rate range,
// mostly unanswered or a few seconds long (IRSF test calls), a few seconds apart.

/** Documentation ranges (RFC 5737), so the demo never names a real party. */
const FOREIGN_IPS = ['203.0.113.9', '198.51.100.23', '192.0.2.77', '203.0.113.140'];

export type FraudInput = {
  accountNumber: string;
  usernames: string[];
  to: string;
  reason: BlockReason;
  sourceIp?: string;
  now?: Date;
  random?: () => number;
};

export function buildBlockPlaced(input: FraudInput): SwitchEvent {
  const random = input.random ?? Math.random;
  const now = input.now ?? new Date();
  const count = 2 + Math.floor(random() * 4); // 2–5 calls
  const sourceIp = input.sourceIp ?? FOREIGN_IPS[Math.floor(random() * FOREIGN_IPS.length)]!;
  const calls: TriggerCall[] = [];
  let at = now.getTime() - 1000 * (2 + Math.floor(random() * 3));
  for (let i = count - 1; i >= 0; i--) {
    calls.unshift({
      at: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      from: input.usernames[i % input.usernames.length]!,
      to: i === 0 ? input.to : similarNumber(input.to, random),
      sourceIp,
      durationSec: random() < 0.6 ? 0 : 1 + Math.floor(random() * 40),
    });
    at -= 1000 * (2 + Math.floor(random() * 6)); // 2–7 s between calls
  }
  // Parse our own output: an event the simulator sends is one Tollgate must accept.
  return switchEventSchema.parse({
    id: newEventId(now.getTime()),
    type: 'block.placed',
    occurredAt: isoSeconds(now),
    data: { accountNumber: input.accountNumber, reason: input.reason, calls },
  });
}

export function buildBlockLifted(accountNumber: string, actor: string, now: Date = new Date()): SwitchEvent {
  return switchEventSchema.parse({
    id: newEventId(now.getTime()),
    type: 'block.lifted',
    occurredAt: isoSeconds(now),
    data: { accountNumber, actor },
  });
}

/**
 * Same destination range, different subscriber: fraudsters walk through a block of numbers. The
 * last 1–3 digits of the number change and the rest of the text stays as written, so a `tel:` or
 * `sip:` URI keeps its scheme, host and parameters (the digits changed are those before "@" or the
 * first ";"), and a spaced or PBX form its spaces and prefixes.
 */
export function similarNumber(to: string, random: () => number): string {
  const end = to.search(/[@;]/);
  const numberPart = end < 0 ? to : to.slice(0, end);
  const digits = [...numberPart.matchAll(/\d/g)].map((m) => m.index);
  const tail = Math.min(3, Math.max(1, digits.length - 4));
  const chars = to.split(''); // UTF-16 units, as `index` counts them
  for (const i of digits.slice(-tail)) chars[i] = String(Math.floor(random() * 10));
  return chars.join('');
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

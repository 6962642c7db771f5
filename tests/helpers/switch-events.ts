import crypto from 'node:crypto';
import { ingestSwitchEvent } from '@/lib/blocks/ingest';
import { signEvent } from '@/lib/switch/signature';

// Signed switch events (CONTRACTS §4) as a test builds and delivers them: straight to the domain
// entry point the route calls, with a real signature.

export type TestEvent = {
  id: string;
  type: 'block.placed' | 'block.lifted';
  occurredAt: string;
  data: Record<string, unknown>;
};

const id = () => `evt_${crypto.randomBytes(8).toString('hex')}`;

export function placedEvent(
  accountNumber: string,
  opts: { at?: Date; from?: string[]; to?: string; reason?: string } = {},
): TestEvent {
  const at = opts.at ?? new Date();
  const from = opts.from ?? [];
  return {
    id: id(),
    type: 'block.placed',
    occurredAt: at.toISOString(),
    data: {
      accountNumber,
      reason: opts.reason ?? 'high_risk_destination',
      calls: from.map((f, i) => ({
        at: new Date(at.getTime() - (i + 1) * 1000).toISOString(),
        from: f,
        to: opts.to ?? '+252611234567',
        sourceIp: '203.0.113.9',
        durationSec: 0,
      })),
    },
  };
}

export function liftedEvent(accountNumber: string, at = new Date(), actor = 'switch'): TestEvent {
  return { id: id(), type: 'block.lifted', occurredAt: at.toISOString(), data: { accountNumber, actor } };
}

/** Delivers an event as the switch would (signed now); returns the HTTP status and body the route would answer. */
export function deliver(e: TestEvent, secret = process.env.SWITCH_WEBHOOK_SECRET!) {
  const raw = JSON.stringify(e);
  return ingestSwitchEvent(raw, signEvent(secret, raw), secret);
}

import crypto from 'node:crypto';
import { expect } from '@playwright/test';
import { signEvent } from '../../lib/switch/signature';
import { E2E } from './env';

// What the switch posts to the portal (CONTRACTS §4), for the journeys that play the switch.

/** A trigger call of a block.placed event; `at` defaults to 5 s before the event, `durationSec` to 0. */
export type EventCall = { from: string; to: string; sourceIp: string; at?: string; durationSec?: number };
type Reason = 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';

/**
 * POSTs `raw` (sent byte for byte) to `/api/switch/events` with a `Tollgate-Signature` header: by
 * default the valid one for the e2e webhook secret and the current time (CONTRACTS §4), or `signature`
 * as given (to test refusals). Returns the HTTP status.
 */
export async function postSwitchEvent(raw: string, signature = signEvent(E2E.webhookSecret, raw)) {
  const res = await fetch(`${E2E.appUrl}/api/switch/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'tollgate-signature': signature },
    body: raw,
  });
  return res.status;
}

/**
 * A `block.placed` event for `accountNumber` with these trigger calls, as JSON text; the event id is
 * new (`evt_e2e_<hex>`). `at`: the switch's time of the block (default now).
 */
export function blockPlacedEvent(
  accountNumber: string,
  calls: EventCall[],
  o: { reason?: Reason; at?: Date } = {},
): { id: string; raw: string } {
  const at = o.at ?? new Date();
  const id = `evt_e2e_${crypto.randomBytes(8).toString('hex')}`;
  const event = {
    id,
    type: 'block.placed',
    occurredAt: at.toISOString(),
    data: {
      accountNumber,
      reason: o.reason ?? 'high_risk_destination',
      calls: calls.map((c) => ({
        at: c.at ?? new Date(at.getTime() - 5000).toISOString(),
        from: c.from,
        to: c.to,
        sourceIp: c.sourceIp,
        durationSec: c.durationSec ?? 0,
      })),
    },
  };
  return { id, raw: JSON.stringify(event) };
}

/**
 * The switch blocks `accountNumber` (see blockPlacedEvent) and tells the portal, which must answer 200.
 * Returns the event id (the block's `sourceEventId`). The account must already exist on the simulated
 * switch when the reconciler should agree with the block.
 */
export async function postBlockPlaced(
  accountNumber: string,
  calls: EventCall[],
  o: { reason?: Reason; at?: Date } = {},
): Promise<string> {
  const { id, raw } = blockPlacedEvent(accountNumber, calls, o);
  expect(await postSwitchEvent(raw)).toBe(200);
  return id;
}

/** The switch lifts the block of `accountNumber` at `at` (`actor` "switch") and tells the portal (200). Returns the event id. */
export async function postBlockLifted(accountNumber: string, at = new Date()): Promise<string> {
  const id = `evt_e2e_${crypto.randomBytes(8).toString('hex')}`;
  const raw = JSON.stringify({
    id,
    type: 'block.lifted',
    occurredAt: at.toISOString(),
    data: { accountNumber, actor: 'switch' },
  });
  expect(await postSwitchEvent(raw)).toBe(200);
  return id;
}

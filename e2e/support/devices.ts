import crypto from 'node:crypto';
import { expect } from '@playwright/test';
import { signEvent } from '../../lib/switch/signature';
import { query } from './db';
import { E2E } from './env';
import { sim } from './sim';
import { runTsx } from './tsx';

// Per-journey data for e2e/12-devices.spec.ts: a fresh account with its own customer, provisioned on
// the simulated switch with registrations, then blocked by a signed block.placed event (CONTRACTS §4).

export type Binding = { contact: string; sourceIp: string; userAgent: string };
export type DevicesWorld = {
  number: string;
  name: string;
  user: { email: string; password: string };
  blockId: string;
  desk: { id: string; username: string };
  pbx: { id: string; username: string };
};

export const ATTACKER_IP = '185.220.101.47'; // registered in Germany (the pinned offline data)
export const OFFICE_IP = '198.51.100.20'; // a documentation range: no country

/**
 * A blocked US account: credentials "<n>-desk" (registered from `desk`) and "<n>-pbx" (from `pbx`),
 * trigger calls to +252 from the attacker's address through the desk credential.
 */
export async function blockedAccountWithDevices(registrations: {
  desk: Binding[];
  pbx: Binding[];
}): Promise<DevicesWorld> {
  const n = crypto.randomInt(100_000, 999_999);
  const number = `ACC-12${n}`;
  const name = `Devices Co ${n}`;
  const user = {
    email: `devices-${n}@e2e.example`,
    password: `Pw-${crypto.randomBytes(12).toString('base64url')}`,
  };
  const usernames = { desk: `dev${n}-desk`, pbx: `dev${n}-pbx` };
  runTsx(
    'e2e/support/devices-seed.ts',
    [
      JSON.stringify({
        number,
        name,
        country: 'US',
        email: user.email,
        password: user.password,
        credentials: [
          { username: usernames.desk, label: 'Front desk phone' },
          { username: usernames.pbx, label: 'Office PBX' },
        ],
      }),
    ],
    { DATABASE_URL: E2E.databaseUrl },
  );
  const expiresAt = new Date(Date.now() + 3600_000).toISOString();
  await sim(`/_sim/accounts/${number}`, {
    method: 'PUT',
    body: {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: new Date().toISOString(),
      credentials: (['desk', 'pbx'] as const).map((k) => ({
        username: usernames[k],
        password: `old-${k}-pass`,
        registrations: registrations[k].map((r) => ({ ...r, expiresAt })),
      })),
    },
  });
  const event = {
    id: `evt_e2e_devices_${crypto.randomBytes(6).toString('hex')}`,
    type: 'block.placed',
    occurredAt: new Date().toISOString(),
    data: {
      accountNumber: number,
      reason: 'high_risk_destination',
      calls: [
        {
          at: new Date(Date.now() - 5000).toISOString(),
          from: usernames.desk,
          to: '+252611234567',
          sourceIp: ATTACKER_IP,
          durationSec: 0,
        },
      ],
    },
  };
  const raw = JSON.stringify(event);
  const res = await fetch(`${E2E.appUrl}/api/switch/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(E2E.webhookSecret, raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
  const blockId = query<{ id: string }>(`SELECT id FROM "Block" WHERE "sourceEventId" = ?`, event.id)[0]!.id;
  const idOf = (u: string) =>
    query<{ id: string }>(`SELECT id FROM "SipCredential" WHERE username = ?`, u)[0]!.id;
  return {
    number,
    name,
    user,
    blockId,
    desk: { id: idOf(usernames.desk), username: usernames.desk },
    pbx: { id: idOf(usernames.pbx), username: usernames.pbx },
  };
}

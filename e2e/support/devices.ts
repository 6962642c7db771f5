import crypto from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { credentialIdOf, query } from './db';
import { E2E } from './env';
import { clearFaults, setFaults, sim } from './sim';
import { postBlockPlaced } from './switch-events';
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
  // One time for the switch's account and its event, as a real switch writes them: the reconciler may
  // read the account before the event lands, and the event then joins that block (attachToFound).
  const blockedAt = new Date();
  await sim(`/_sim/accounts/${number}`, {
    method: 'PUT',
    body: {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: blockedAt.toISOString(),
      credentials: (['desk', 'pbx'] as const).map((k) => ({
        username: usernames[k],
        password: `old-${k}-pass`,
        registrations: registrations[k].map((r) => ({ ...r, expiresAt })),
      })),
    },
  });
  const eventId = await postBlockPlaced(
    number,
    [{ from: usernames.desk, to: '+252611234567', sourceIp: ATTACKER_IP }],
    { at: blockedAt },
  );
  const blockId = query<{ id: string }>(`SELECT id FROM "Block" WHERE "sourceEventId" = ?`, eventId)[0]!.id;
  return {
    number,
    name,
    user,
    blockId,
    desk: { id: credentialIdOf(usernames.desk), username: usernames.desk },
    pbx: { id: credentialIdOf(usernames.pbx), username: usernames.pbx },
  };
}

/** The block page's "Registered devices" section. */
export const devicesRegion = (page: Page) => page.getByRole('region', { name: 'Registered devices' });
/** The devices listed as registered with SIP username `username` (one list item each). */
export const bindingsOf = (page: Page, username: string) =>
  devicesRegion(page)
    .getByRole('list', { name: `Devices registered as ${username}` })
    .locator(':scope > li');

/**
 * Runs `during` while the simulated switch applies `faults` (docs/switch-api.md) to the registration
 * reads of both of `w`'s credentials, and nothing else; clears them afterwards, whatever happened.
 */
export async function withRegistrationFaults(
  w: DevicesWorld,
  faults: Record<string, unknown>,
  during: () => Promise<void>,
) {
  const scopes = [w.desk.username, w.pbx.username];
  for (const scope of scopes) await setFaults(scope, { ...faults, pathContains: '/registrations' });
  try {
    await during();
  } finally {
    await clearFaults(...scopes);
  }
}

/**
 * The block page (already open) when the switch could not say which devices are registered: the
 * heading and the trigger calls are there, and the devices section says once, for both credentials,
 * that they could not be read (components/devices/binding-list.tsx DevicesNotRead).
 */
export async function expectBlockPageWithoutDevices(page: Page, w: DevicesWorld) {
  await expect(
    page.getByRole('heading', { name: `International calling blocked on ${w.name} (${w.number})` }),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'Calls that triggered the block' })).toBeVisible();
  await expect(
    devicesRegion(page).getByText(
      'Could not get the registered devices from our phone system just now. Reload the page to try again.',
    ),
  ).toHaveCount(1);
}

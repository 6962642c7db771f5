import type { AccountSpec } from './factories';

// Copies of the demo's accounts (CONTRACTS §5) for journeys that change them: each createCustomer call
// with one of these makes a new account of that shape, with a unique number, name suffix and usernames.

/** The demo's Harbor Logistics (ACC-2001): British, blocked for calls from a fraud-hotspot address through its PBX trunk. */
export const HARBOR: AccountSpec = {
  name: 'Harbor Logistics',
  country: 'GB',
  timeZone: 'Europe/London',
  credentials: [{ label: 'PBX trunk', stem: 'harbor-trunk', password: 'harbor2019' }],
  block: {
    reason: 'hotspot_source_ip',
    minutesAgo: 30,
    calls: [
      { to: '+88213100456', sourceIp: '196.251.84.12', durationSec: 48, secondsBefore: 300 },
      { to: '+2399912345', sourceIp: '196.251.84.12', durationSec: 95, secondsBefore: 120 },
    ],
  },
};

/** The demo's Acme Labs (ACC-1002): international calling allowed, one SIP trunk. */
export const LABS: AccountSpec = {
  name: 'Acme Labs',
  timeZone: 'America/Chicago',
  credentials: [{ label: 'Lab SIP trunk', stem: 'labs-trunk', password: 'labs-trunk-pass' }],
};

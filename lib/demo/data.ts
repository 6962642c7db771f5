// CONTRACTS §5: the demo data. Demo only; `npm start` never loads it.
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

export const DEMO_USERS = [
  {
    email: 'dana@acme.example',
    password: 'demo-dana-2026',
    role: 'customer',
    name: 'Dana Whitfield',
    accounts: ['ACC-1001', 'ACC-1002'],
  },
  {
    email: 'omar@harbor.example',
    password: 'demo-omar-2026',
    role: 'customer',
    name: 'Omar Haddad Jiménez',
    accounts: ['ACC-2001'],
  },
  {
    email: 'sam@tollgate.example',
    password: 'demo-sam-2026',
    role: 'agent',
    name: 'Sam Ortega',
    accounts: [],
  },
  {
    email: 'alex@tollgate.example',
    password: 'demo-alex-2026',
    role: 'admin',
    name: 'Alex Kim',
    accounts: [],
  },
] as const;

/** The SIP passwords the demo devices start with (what the attacker guessed). The portal never stores them. */
export const DEMO_ACCOUNTS = [
  {
    number: 'ACC-1001',
    name: 'Acme Dental',
    country: 'US',
    timeZone: 'America/New_York',
    credentials: [
      {
        username: 'acme-reception',
        label: 'Reception desk phone',
        initialPassword: 'reception123',
        // What the simulated switch's registrar holds (CONTRACTS §5): the attacker beside the real phone.
        registrations: [
          {
            contact: 'sip:acme-reception@185.220.101.47:5071',
            sourceIp: '185.220.101.47',
            userAgent: 'friendly-scanner',
          },
          {
            contact: 'sip:acme-reception@192.168.1.45:5060',
            sourceIp: '198.51.100.20',
            userAgent: 'Yealink SIP-T46U',
          },
        ],
      },
      { username: 'acme-pbx', label: 'Office PBX', initialPassword: 'acmepbx2020' },
    ],
    block: {
      reason: 'high_risk_destination',
      minutesAgo: 95,
      calls: [
        {
          from: 'acme-reception',
          to: '+252611234567',
          sourceIp: '185.220.101.47',
          durationSec: 0,
          secondsBefore: 62,
        },
        {
          from: 'acme-reception',
          to: '+252611234568',
          sourceIp: '185.220.101.47',
          durationSec: 3,
          secondsBefore: 41,
        },
        {
          from: 'acme-pbx',
          to: '+252617788990',
          sourceIp: '185.220.101.47',
          durationSec: 0,
          secondsBefore: 20,
        },
        {
          from: 'acme-pbx',
          to: '+252617788991',
          sourceIp: '185.220.101.47',
          durationSec: 0,
          secondsBefore: 4,
        },
      ],
    },
  },
  {
    number: 'ACC-1002',
    name: 'Acme Labs',
    country: 'US',
    timeZone: 'America/Chicago',
    credentials: [
      {
        username: 'labs-trunk',
        label: 'Lab SIP trunk',
        initialPassword: 'labs-trunk-pass',
        registrations: [
          {
            contact: 'sip:labs-trunk@198.51.100.30:5060',
            sourceIp: '198.51.100.30',
            userAgent: 'Asterisk PBX 20.5.0',
          },
        ],
      },
    ],
    block: null,
  },
  {
    number: 'ACC-2001',
    name: 'Harbor Logistics',
    country: 'GB',
    timeZone: 'Europe/London',
    credentials: [{ username: 'harbor-trunk', label: 'PBX trunk', initialPassword: 'harbor2019' }],
    block: {
      reason: 'hotspot_source_ip',
      minutesAgo: 30,
      calls: [
        {
          from: 'harbor-trunk',
          to: '+88213100456',
          sourceIp: '196.251.84.12',
          durationSec: 48,
          secondsBefore: 300,
        },
        {
          from: 'harbor-trunk',
          to: '+2399912345',
          sourceIp: '196.251.84.12',
          durationSec: 95,
          secondsBefore: 120,
        },
      ],
    },
  },
] as const;

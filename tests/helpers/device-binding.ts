import type { DeviceBinding } from '@/lib/devices/registrations';

/**
 * A registered device as lib/devices/registrations.ts reads one (DeviceBinding), for a test that
 * renders devices without a switch: by default an office's Yealink phone registered from a
 * documentation-range address (198.51.100.20, no country), unflagged, alone at its address, nothing
 * shortened, registered until 2026-11-25 10:00 UTC; `over` replaces any field.
 */
export const binding = (over: Partial<DeviceBinding>): DeviceBinding => ({
  contact: 'sip:desk@192.168.1.45:5060',
  sourceIp: '198.51.100.20',
  country: null,
  userAgent: 'Yealink SIP-T46U',
  expiresAt: new Date('2026-11-25T10:00:00Z'),
  flags: [],
  sameAddress: 1,
  shortened: [],
  ...over,
});

/**
 * The attacker's scanner as the switch reports it: registered from 185.220.101.47 (Germany, an
 * address the block's calls came from) with a scanning tool's user agent, and flagged for all three.
 */
export const attacker: DeviceBinding = binding({
  contact: 'sip:desk@185.220.101.47:5071',
  sourceIp: '185.220.101.47',
  country: 'DE',
  userAgent: 'friendly-scanner',
  flags: ['trigger_ip', 'foreign_country', 'scanner'],
});

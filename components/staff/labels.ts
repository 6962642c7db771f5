// Words for enum values on the staff pages (the customer pages have their own, in messages/en.json).
export const REASON = {
  high_risk_destination: 'High-risk destination',
  hotspot_source_ip: 'Source IP in a fraud hotspot',
  suspicious_pattern: 'Suspicious calling pattern',
  manual: 'Manual (placed by support)',
} as const;

export const BLOCK_STATUS = { active: 'In force', lift_pending: 'Lifting: waiting for the switch', lifted: 'Lifted' } as const;
export const KIND = { misdial: 'Misdial', firewall: 'Firewall hardened' } as const;
export const REQUEST_STATUS = { pending: 'Pending', approved: 'Approved', denied: 'Denied', withdrawn: 'Withdrawn' } as const;
export const OP_KIND: Record<string, string> = { lift: 'Lift', block: 'Place block' };
export const OP_STATUS = { pending: 'Waiting for the switch', done: 'Confirmed by the switch', failed: 'Refused by the switch' } as const;

export const HIGH_COST = {
  premium_rate: 'premium-rate number',
  nanp_outside_us_ca: 'dialled like a US number but charged as international',
  international_network: 'international network, charged at high rates',
  satellite: 'satellite service, charged at high rates',
} as const;

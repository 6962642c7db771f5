import { addressBucket } from '@/lib/server/client-address';
import type { LimitName } from '@/lib/server/rate-limit';

// Which counters an attempt spends (pure: tests/unit/limit-keys.test.ts). The rule behind them is
// OWASP's "device cookies" scheme: a stranger's failures are counted per email AND client address, so
// they exhaust the stranger's own allowance, never the user's; a browser the user has signed in with
// before (lib/auth/known-device.ts) spends only its own allowance, so it still gets in while the
// account is being attacked from elsewhere. A wide per-email ceiling for unknown browsers still bounds
// guessing spread over many addresses. Addresses are counted per IPv4 address or IPv6 /64, and a
// request whose address could not be read shares one "unknown" bucket: it never skips a limit.

export type LimitKey = { name: LimitName; key: string };

/** Counters for one password attempt, all spent before the password is checked. */
export function passwordLimitKeys(o: {
  email: string;
  ip: string | null;
  deviceId: string | null;
}): LimitKey[] {
  if (o.deviceId) return [{ name: 'signInDevice', key: o.deviceId }];
  const address = addressBucket(o.ip);
  return [
    { name: 'signInEmailIp', key: `${o.email} ${address}` },
    { name: 'signInIp', key: address },
    { name: 'signInEmail', key: o.email },
  ];
}

/**
 * Counters for one "Email me a sign-in link" request. `refuse`: over these, the requester is told to
 * wait (they count the requester's own address, so the answer says nothing about the email). `quiet`:
 * over these, the answer stays "on its way" and nothing is sent (mailbox flooding from many addresses).
 * `pastCeiling`: past `quiet`, a link is still sent when the mailbox holds no live link, at most one
 * per link lifetime on this counter, so strangers who use up the ceiling cannot keep the owner from
 * getting in by email. A browser the person signed in with before is refused by its own allowance
 * instead of its address's counters, and told to wait when it is spent (its cookie names this email
 * already): a stranger behind the same address (an office NAT, a hotel's Wi-Fi, a carrier's NAT) who
 * spent that address's counters does not hold it back (review, session 39), as for password sign-in.
 * The email's ceiling (`quiet`) and its past-ceiling link apply to every browser alike.
 */
export function linkRequestLimitKeys(o: { email: string; ip: string | null; deviceId: string | null }): {
  refuse: LimitKey[];
  quiet: LimitKey[];
  pastCeiling: LimitKey | null;
} {
  // A known browser: its own allowance instead of its address's counters; the email's ceiling and its
  // past-ceiling link as for any browser (cookies are minted by every password success, so someone
  // with the password and many of them must still not flood the mailbox: the second reviewer).
  if (o.deviceId)
    return {
      refuse: [{ name: 'emailLinkDevice', key: o.deviceId }],
      quiet: [{ name: 'emailLink', key: o.email }],
      pastCeiling: { name: 'emailLinkPastCeiling', key: o.email },
    };
  const address = addressBucket(o.ip);
  return {
    refuse: [
      { name: 'emailLinkIp', key: address },
      { name: 'emailLinkEmailIp', key: `${o.email} ${address}` },
    ],
    quiet: [{ name: 'emailLink', key: o.email }],
    pastCeiling: { name: 'emailLinkPastCeiling', key: o.email },
  };
}

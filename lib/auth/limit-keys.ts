import { addressBucket } from '@/lib/server/client-address';
import type { LimitName } from '@/lib/server/rate-limit';

// Which counters an attempt spends (pure: tests/unit/limit-keys.test.ts). The rule behind them is
// OWASP's "device cookies" scheme: a stranger's failures are counted per email AND client address, so
// they exhaust the stranger's own allowance, never the user's; a browser the user has signed in with
// since the login's last revocation (lib/auth/known-device.ts) spends its own allowance and the
// login's ceiling for all its known browsers together, so it still gets in while the account is
// being attacked from elsewhere, and many cookies do not multiply the guesses. A wide per-email
// ceiling for unknown browsers still bounds guessing spread over many addresses. Addresses are
// counted per IPv4 address or IPv6 /64, and a request whose address could not be read shares one
// "unknown" bucket: it never skips a limit.

export type LimitKey = { name: LimitName; key: string };

/**
 * Counters for one password attempt, all spent before the password is checked. `device`: the
 * browser's valid known-device cookie (id, and the login's epoch it was made under), or null. A known
 * browser spends its own allowance (`signInDevice`) and the login's ceiling for all its known browsers
 * (`signInEmailDevices`, per email and epoch: a revocation starts a new one, which cookies made
 * before it cannot spend). Strangers hold no cookie of the current epoch, so they cannot spend either.
 */
export function passwordLimitKeys(o: {
  email: string;
  ip: string | null;
  device: { id: string; epoch: string } | null;
}): LimitKey[] {
  if (o.device)
    return [
      { name: 'signInDevice', key: o.device.id },
      { name: 'signInEmailDevices', key: `${o.email} ${o.device.epoch}` },
    ];
  const address = addressBucket(o.ip);
  return [
    { name: 'signInEmailIp', key: `${o.email} ${address}` },
    { name: 'signInIp', key: address },
    { name: 'signInEmail', key: o.email },
  ];
}

/**
 * Counters for one "Email me a sign-in link" request. `refuse`: over these, the requester is told to
 * wait (they count the requester's own attempts at this email, so the answer says nothing about it).
 * `quiet`: over these, the answer stays "on its way" and nothing is sent (mailbox flooding from many
 * addresses, or many emails from one address). `pastCeiling`: past `quiet`, a link is still sent
 * when the mailbox holds no live link, at most one per link lifetime on this counter, so strangers
 * who use up a shared counter cannot keep the owner from getting in by email. The per-address counter
 * is such a shared one: a stranger behind the same address (an office NAT, a hotel's Wi-Fi, a
 * carrier's NAT) asking for made-up emails spends it for everyone there, so it only quiets (security
 * review, 2026-12-05: before, every colleague in a fresh browser was told to wait). `pastCeilingIp`:
 * the address's own cap on those past-ceiling links, whatever the emails (spent only by a link that
 * is sent: lib/auth/email-link.ts), since `pastCeiling` is per email and one address looping over
 * many logins' emails would otherwise mail each of them (security re-review, 2026-12-05). A browser
 * the person signed in with since the login's last revocation is refused by its own allowance
 * instead, and told to wait when it is spent (its cookie names this email already; review, session
 * 39); no address counter holds it back. The email's ceiling and its past-ceiling link apply to every
 * browser alike.
 */
export function linkRequestLimitKeys(o: { email: string; ip: string | null; deviceId: string | null }): {
  refuse: LimitKey[];
  quiet: LimitKey[];
  pastCeiling: LimitKey | null;
  pastCeilingIp: LimitKey | null;
} {
  // A known browser: its own allowance instead of its address's counters; the email's ceiling and its
  // past-ceiling link as for any browser (someone who signed in with the password and kept many
  // cookies must still not flood the mailbox: the second reviewer).
  if (o.deviceId)
    return {
      refuse: [{ name: 'emailLinkDevice', key: o.deviceId }],
      quiet: [{ name: 'emailLink', key: o.email }],
      pastCeiling: { name: 'emailLinkPastCeiling', key: o.email },
      pastCeilingIp: null,
    };
  const address = addressBucket(o.ip);
  return {
    refuse: [{ name: 'emailLinkEmailIp', key: `${o.email} ${address}` }],
    quiet: [
      { name: 'emailLinkIp', key: address },
      { name: 'emailLink', key: o.email },
    ],
    pastCeiling: { name: 'emailLinkPastCeiling', key: o.email },
    pastCeilingIp: { name: 'emailLinkPastCeilingIp', key: address },
  };
}

import 'server-only';
import { getAccountForUser } from '@/lib/accounts/queries';
import type { CurrentUser } from '@/lib/auth/session';
import { env, isDemo } from '@/lib/server/env';

export type SimulateOutcome = 'sent' | 'not_found' | 'unavailable';

/**
 * Demo only: asks the simulated switch to behave as its fraud monitoring would for one of the user's
 * accounts. The switch then posts a signed block.placed event to Tollgate like a real switch; this
 * function changes nothing in Tollgate itself.
 */
export async function simulateFraud(
  user: CurrentUser,
  accountNumber: string,
  to: string,
): Promise<SimulateOutcome> {
  const e = env();
  if (!isDemo() || !e.SWITCH_SIM_CONTROL_URL) return 'not_found';
  const account = await getAccountForUser(user.id, accountNumber);
  if (!account) return 'not_found';
  try {
    const res = await fetch(`${e.SWITCH_SIM_CONTROL_URL}/_sim/fraud`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.SWITCH_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountNumber: account.number, to }),
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? 'sent' : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

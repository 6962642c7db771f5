import { E2E, simUrl } from './env';
import { rememberSecret } from './secrets';

/** Whether a fetch failed because the server had closed the kept-alive socket it was sent on. */
function closedIdle(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code === 'UND_ERR_SOCKET' && /other side closed/.test(cause.message ?? '');
}

/** The simulated switch's control API (bearer-protected like the real API). */
export async function sim<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const send = () =>
    fetch(`${simUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${E2E.switchToken}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  let res: Response;
  try {
    res = await send();
  } catch (e) {
    // A kept-alive connection the simulator closed as idle just as this request went out on it
    // ("other side closed", seen about once in thirty runs on a busy machine): the server never read
    // the request, so it is sent once more on a new connection. Any other failure is thrown.
    if (!closedIdle(e)) throw e;
    res = await send();
  }
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Asks the simulated switch whether `password` is the credential's; the log scan then looks for it too. */
export const passwordMatches = async (username: string, password: string) => {
  rememberSecret(password);
  return (
    await sim<{ matches: boolean }>('/_sim/check-password', { method: 'POST', body: { username, password } })
  ).matches;
};

/**
 * The switch lifts account `n`'s block as its operator would (`/_sim/lift`): the account becomes
 * allowed on the switch and its signed `block.lifted` is delivered to the portal at once. Throws
 * unless the portal took the event. A journey that posts the event alone (switch-events.ts
 * postBlockLifted) leaves the switch blocked: the reconciler then rightly places the block again,
 * with its notice held for the switch's details, and the lift's mail waits behind that notice
 * (e2e 04 failed so in CI once, 2026-12-06).
 */
export async function liftOnSwitch(n: string): Promise<void> {
  const { delivery } = await sim<{ delivery: { status: string; lastStatus: number | null } }>('/_sim/lift', {
    method: 'POST',
    body: { accountNumber: n },
  });
  if (delivery.status !== 'delivered')
    throw new Error(`the switch's block.lifted for ${n} was not delivered: ${JSON.stringify(delivery)}`);
}

export const simAccount = (n: string) =>
  sim<{ internationalCalling: string; [k: string]: unknown }>(`/_sim/accounts/${n}`);
/**
 * Faults for the switch calls of one test only: `scope` is a text their /v1 paths contain (the test's
 * account number, or a SIP username for password and registration calls). Journeys run side by side
 * (two workers), so a journey never faults the switch as a whole (docs/switch-api.md, `/_sim/faults/{scope}`).
 */
export const setFaults = (scope: string, faults: Record<string, unknown>) =>
  sim(`/_sim/faults/${encodeURIComponent(scope)}`, { method: 'PUT', body: faults });
/** Removes the faults of these scopes (and only those). */
export const clearFaults = async (...scopes: string[]) => {
  for (const scope of scopes) await sim(`/_sim/faults/${encodeURIComponent(scope)}`, { method: 'DELETE' });
};

/**
 * Puts an account on the simulated switch in international-calling `state` (blocked for
 * high_risk_destination since `blockedAt`, default now) with these SIP credentials (a password the
 * switch checks, or none), as a real switch would already hold it. Replaces what it held.
 */
export const putSwitchAccount = (
  number: string,
  state: 'blocked' | 'allowed',
  credentials: { username: string; password?: string }[],
  blockedAt: string = new Date().toISOString(),
) =>
  sim(`/_sim/accounts/${number}`, {
    method: 'PUT',
    body: {
      internationalCalling: state,
      reason: state === 'blocked' ? 'high_risk_destination' : null,
      blockedAt: state === 'blocked' ? blockedAt : null,
      credentials,
    },
  });

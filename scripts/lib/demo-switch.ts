/** Polls a URL until it answers (any HTTP status), for up to `ms`. */
export async function waitForHttp(url: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not answer within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

type DemoRegistration = { contact: string; sourceIp: string; userAgent: string };
type DemoCredential = {
  username: string;
  initialPassword: string;
  registrations?: readonly DemoRegistration[];
};
type DemoAccount = {
  number: string;
  credentials: readonly DemoCredential[];
  block: { reason: string; minutesAgo: number } | null;
};

/** A registrar's usual expiry (RFC 3261 §10.2.1.1 suggests 3600 s): the demo phones register for an hour. */
const REGISTRATION_SECONDS = 3600;
const registrationsOf = (c: DemoCredential) =>
  (c.registrations ?? []).map((r) => ({
    ...r,
    expiresAt: new Date(Date.now() + REGISTRATION_SECONDS * 1000).toISOString(),
  }));

/** Gives the simulated switch the same accounts, credentials and block states as the portal's demo data. */
export async function provisionSimulator(
  env: NodeJS.ProcessEnv,
  accounts: readonly DemoAccount[],
): Promise<void> {
  const headers = { authorization: `Bearer ${env.SWITCH_API_TOKEN}`, 'content-type': 'application/json' };
  for (const a of accounts) {
    const url = `${env.SWITCH_SIM_CONTROL_URL}/_sim/accounts/${a.number}`;
    // Already provisioned on an earlier run: keep its state (rotated passwords, lifted blocks).
    const existing = await fetch(url, { headers });
    if (existing.ok) {
      await registerAgain(
        env,
        headers,
        a,
        (await existing.json()) as {
          credentials: { username: string; passwordChanges: number; registrations: unknown[] }[];
        },
      );
      continue;
    }
    const res = await fetch(url, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        internationalCalling: a.block ? 'blocked' : 'allowed',
        reason: a.block?.reason ?? null,
        blockedAt: a.block ? new Date(Date.now() - a.block.minutesAgo * 60_000).toISOString() : null,
        credentials: a.credentials.map((c) => ({
          username: c.username,
          password: c.initialPassword,
          registrations: registrationsOf(c),
        })),
      }),
    });
    if (!res.ok) throw new Error(`could not provision ${a.number} on the simulator: HTTP ${res.status}`);
  }
}

/**
 * A restarted demo: the devices of a credential whose password never changed are still out there and
 * register again (their earlier registrations may have expired). A changed password keeps them out.
 */
async function registerAgain(
  env: NodeJS.ProcessEnv,
  headers: Record<string, string>,
  a: DemoAccount,
  sim: { credentials: { username: string; passwordChanges: number; registrations: unknown[] }[] },
) {
  for (const c of a.credentials) {
    const now = sim.credentials.find((s) => s.username === c.username);
    if (!c.registrations?.length || !now || now.passwordChanges > 0 || now.registrations.length > 0) continue;
    const res = await fetch(`${env.SWITCH_SIM_CONTROL_URL}/_sim/credentials/${c.username}/registrations`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ registrations: registrationsOf(c) }),
    });
    if (!res.ok)
      throw new Error(
        `could not register the demo devices of ${c.username} on the simulator: HTTP ${res.status}`,
      );
  }
}

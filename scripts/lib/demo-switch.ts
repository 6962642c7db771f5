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

type DemoAccount = { number: string; credentials: readonly { username: string; initialPassword: string }[]; block: { reason: string; minutesAgo: number } | null };

/** Gives the simulated switch the same accounts, credentials and block states as the portal's demo data. */
export async function provisionSimulator(env: NodeJS.ProcessEnv, accounts: readonly DemoAccount[]): Promise<void> {
  const headers = { authorization: `Bearer ${env.SWITCH_API_TOKEN}`, 'content-type': 'application/json' };
  for (const a of accounts) {
    const url = `${env.SWITCH_SIM_CONTROL_URL}/_sim/accounts/${a.number}`;
    // Already provisioned on an earlier run: keep its state (rotated passwords, lifted blocks).
    if ((await fetch(url, { headers })).ok) continue;
    const res = await fetch(url, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        internationalCalling: a.block ? 'blocked' : 'allowed',
        reason: a.block?.reason ?? null,
        blockedAt: a.block ? new Date(Date.now() - a.block.minutesAgo * 60_000).toISOString() : null,
        credentials: a.credentials.map((c) => ({ username: c.username, password: c.initialPassword })),
      }),
    });
    if (!res.ok) throw new Error(`could not provision ${a.number} on the simulator: HTTP ${res.status}`);
  }
}

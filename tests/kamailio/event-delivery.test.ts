// Event delivery from the reference switch to Tollgate (CONTRACTS §4) when many events keep failing.
// Tollgate answers 404 for accounts it does not know yet, and the switch retries those events by
// design. The companion used to read the oldest 100 undelivered rows of the whole outbox, so 100 such
// rows hid every later event from every other account: a fraud block placed by Kamailio (SIPp) and a
// NOC's block.lifted, which Tollgate's reconciler then undid. Each account's own events must still
// go out in order. Nothing here is skipped (see harness.ts).
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { setInternationalCalling } from '../../switch/kamailio/src/accounts';
import { runSipp, waitFor } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Events-desk-initial-5150';
/** Accounts the switch has and Tollgate does not know yet: more than one delivery cycle's 100 rows. */
const UNKNOWN = Array.from({ length: 120 }, (_, i) => `ACC-27${String(i).padStart(3, '0')}`);

let work: string;
let sw: SwitchRig['sw'];
let receiver: SwitchRig['receiver'];
let obs: SwitchRig['obs'];

referenceSwitchPerFile(
  {
    name: 'events',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        {
          number: 'ACC-2601',
          name: 'Events Fraud Co',
          credentials: [{ username: 'events-desk', password: PW }],
        },
        { number: 'ACC-2602', name: 'Events NOC Co', internationalCalling: 'blocked', credentials: [] },
        ...UNKNOWN.map((number) => ({ number, name: 'Not in Tollgate yet', credentials: [] })),
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (rig) => ({ work, sw, receiver, obs } = rig),
);

/** What the provider's NOC does with `run.sh block` / `run.sh lift` (src/cli.ts): Tollgate gets an event. */
function noc(account: string, state: 'blocked' | 'allowed') {
  setInternationalCalling(sw.db, account, {
    state,
    reason: 'manual',
    actor: 'noc-alice',
    source: 'cli',
    graceSeconds: 0,
    emitEvent: true,
    eventReason: 'manual',
  });
  sw.kickDelivery();
}

/** The event types of the delivery attempts Tollgate saw for `account`, in order. */
const attemptsFor = (account: string) =>
  receiver.received
    .map((r) => JSON.parse(r.raw) as { type: string; data: { accountNumber: string } })
    .filter((e) => e.data.accountNumber === account)
    .map((e) => e.type);
const delivered = (account: string, type: string) =>
  obs
    .prepare(
      'SELECT delivered_at FROM outbox WHERE account_number = ? AND type = ? AND delivered_at IS NOT NULL',
    )
    .get(account, type) !== undefined;

describe('reference switch: events behind many failing ones (CONTRACTS §4)', { timeout: 30_000 }, () => {
  test('120 events answered 404 hold neither a fraud block’s event nor a NOC’s lift; one account’s events stay in order', async () => {
    for (const n of UNKNOWN) receiver.unknownAccounts.add(n);
    for (const n of UNKNOWN) noc(n, 'blocked');
    // the oldest one also gets its lift, queued behind its block.placed
    noc(UNKNOWN[0]!, 'allowed');
    await waitFor(
      '100 events answered 404 and waiting for their retry',
      () =>
        (
          obs
            .prepare('SELECT count(*) AS n FROM outbox WHERE last_status = 404 AND delivered_at IS NULL')
            .get() as { n: number }
        ).n >= 100,
      10_000,
    );

    // Kamailio blocks an allowed account for a call to +252 and queues its block.placed (the trigger)
    const r = await runSipp({
      scenario: 'call-refused.xml',
      service: '+252611234567',
      username: 'events-desk',
      password: PW,
      switchAddress: sw.sipAddress,
      cwd: work,
    });
    expect(r.code, r.output).toBe(0);
    // and the NOC lifts another account by hand
    noc('ACC-2602', 'allowed');
    await waitFor('the fraud block’s event', () => delivered('ACC-2601', 'block.placed'), 5_000);
    await waitFor('the NOC’s block.lifted', () => delivered('ACC-2602', 'block.lifted'), 5_000);

    // Tollgate learns the first unknown account: its block.placed goes first, then its lift.
    receiver.unknownAccounts.delete(UNKNOWN[0]!);
    await waitFor('the late account’s lift', () => delivered(UNKNOWN[0]!, 'block.lifted'), 5_000);
    // every attempt of its block.placed (404s, then the 200) came before the first of its lift
    const types = attemptsFor(UNKNOWN[0]!);
    expect(types.indexOf('block.placed')).toBe(0);
    expect(types.indexOf('block.lifted')).toBeGreaterThan(types.lastIndexOf('block.placed'));
    // every account that is still unknown keeps being retried, never given up or skipped past
    expect(
      (
        obs
          .prepare(
            'SELECT count(DISTINCT account_number) AS n FROM outbox WHERE delivered_at IS NULL AND attempts > 0',
          )
          .get() as { n: number }
      ).n,
    ).toBe(UNKNOWN.length - 1);
  });
});

// One reference switch for a test file: Kamailio with its companion (startReferenceSwitch), a SIPp
// carrier behind it, a stand-in for Tollgate's events endpoint, and a read-only view of its database.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createSwitchClient } from '../../lib/switch/client';
import { switchAccountSchema } from '../../lib/switch/schemas';
import {
  startReferenceSwitch,
  type ReferenceSwitch,
  type ReferenceSwitchOptions,
} from '../../switch/kamailio/src/launcher';
import {
  ensureSwitchTools,
  freeTcpPort,
  SIPP_DIR,
  freeUdpPort,
  startEventReceiver,
  startUas,
  type Uas,
} from './harness';

/** What a file's tests reach: its work folder, the switch, the carrier, the receiver, the database. */
export interface SwitchRig {
  work: string;
  sw: ReferenceSwitch;
  uas: Uas;
  receiver: Awaited<ReturnType<typeof startEventReceiver>>;
  /** The switch's SQLite database, read only (the tests look at ha1 rows, the outbox, fraud hits). */
  obs: Database.Database;
}

/**
 * Registers the file's beforeAll (tools checked or installed, then everything started on free ports,
 * with two SIP workers and delivery retries in milliseconds) and afterAll (everything stopped; the
 * work folder removed unless KEEP_SWITCH_DATA=1, which keeps kamailio.log, switch.db and the SIPp
 * traces for a post-mortem). `take` receives the rig once it runs. `o.name` names the work folder
 * (`tollgate-<name>-…` under the system temp folder).
 */
export function referenceSwitchPerFile(
  o: Pick<
    ReferenceSwitchOptions,
    'token' | 'webhookSecret' | 'provision' | 'nonceExpireSeconds' | 'dialogTimeoutSeconds'
  > & {
    name: string;
    /** The carrier's SIPp scenario, a file of switch/kamailio/sipp (default uas.xml). */
    carrier?: string;
  },
  take: (rig: SwitchRig) => void,
): void {
  let rig: Partial<SwitchRig> = {};
  beforeAll(async () => {
    ensureSwitchTools();
    const work = mkdtempSync(path.join(tmpdir(), `tollgate-${o.name}-`));
    rig = { work };
    rig.receiver = await startEventReceiver();
    rig.uas = await startUas(work, undefined, o.carrier ? path.join(SIPP_DIR, o.carrier) : undefined);
    rig.sw = await startReferenceSwitch({
      sipPort: await freeUdpPort(),
      httpPort: await freeTcpPort(),
      dataDir: path.join(work, 'switch'),
      token: o.token,
      webhookSecret: o.webhookSecret,
      eventsUrl: rig.receiver.url,
      uasAddress: rig.uas.address,
      children: 2,
      log: () => undefined,
      delivery: { pollIntervalMs: 50, timeoutMs: 2_500, retryBaseMs: 200, retryMaxMs: 1_000 },
      provision: o.provision,
      nonceExpireSeconds: o.nonceExpireSeconds,
      dialogTimeoutSeconds: o.dialogTimeoutSeconds,
    });
    rig.obs = new Database(rig.sw.dbPath, { readonly: true, fileMustExist: true });
    take(rig as SwitchRig);
  }, 240_000);

  afterAll(async () => {
    rig.obs?.close();
    await rig.sw?.stop();
    await rig.uas?.stop();
    await rig.receiver?.close();
    if (rig.work && !process.env.KEEP_SWITCH_DATA) rmSync(rig.work, { recursive: true, force: true });
    else if (rig.work) console.log(`reference switch data kept in ${rig.work}`);
  }, 30_000);
}

/**
 * The portal's own switch client (lib/switch/client.ts) on a rig's API, no retries: `client()` for a
 * call the test makes, `account(n)` for an account's state as the switch gives it (throws when the
 * GET fails). `sw` is a getter: the rig is only there once its beforeAll has run.
 */
export function switchApi(sw: () => ReferenceSwitch, token: string) {
  const client = () =>
    createSwitchClient({ baseUrl: sw().apiUrl, token, timeoutMs: 3000, retries: 0, log: () => {} });
  const account = async (n: string) => {
    const r = await client().getAccount(n);
    if (!r.ok) throw new Error(`GET ${n} failed: ${JSON.stringify(r)}`);
    return switchAccountSchema.parse(r.value);
  };
  return { client, account };
}

/** A dialling test's accounts: one SIP credential each, named by its username, all with `password`. */
export function oneCredentialEach(
  accounts: readonly {
    number: string;
    username: string;
    country: string;
    internationalCalling: 'allowed' | 'blocked';
  }[],
  password: string,
) {
  return accounts.map((a) => ({
    number: a.number,
    name: a.username,
    country: a.country,
    internationalCalling: a.internationalCalling,
    credentials: [{ username: a.username, password }],
  }));
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { startApi, type ApiServer } from './api';
import { createDatabase, KAMAILIO_CFG_PATH, openDb, writeRealm, type Db } from './db';
import { startDelivery, type Deliverer, type DeliveryOptions } from './events';
import { describeProvisioning, provision, type ProvisionResult, type ProvisionSpec } from './provision';

/** Shipped default: well-known International Revenue Share Fraud destinations. Replace with your own. */
export const DEFAULT_HIGH_RISK_PREFIXES = ['+252', '+881', '+882', '+883'];
export const DEFAULT_REALM = 'tollgate.test';
export const DEFAULT_GRACE_SECONDS = 86_400;

export interface ReferenceSwitchOptions {
  /** UDP port Kamailio listens on (SIP). */
  sipPort: number;
  /** Default 127.0.0.1. */
  sipHost?: string;
  /** Switch API (CONTRACTS §3) port; 0 picks a free one (see `apiUrl`). */
  httpPort: number;
  /** Default 127.0.0.1. */
  httpHost?: string;
  /** Holds switch.db (+ WAL), kamailio.pid, the ctl socket and kamailio.log. Created if missing. */
  dataDir: string;
  /** SWITCH_API_TOKEN: Tollgate's bearer token (at least 16 characters). */
  token: string;
  /** SWITCH_WEBHOOK_SECRET: HMAC key for the events sent to Tollgate (at least 32 bytes, as Tollgate's). */
  webhookSecret: string;
  /** Tollgate's events endpoint, e.g. http://localhost:3000/api/switch/events */
  eventsUrl: string;
  /** Next hop for permitted calls: "host:port" or a SIP URI (the carrier; a SIPp UAS in tests). */
  uasAddress: string;
  /** Digest realm (default "tollgate.test"). Changing it invalidates every stored ha1. */
  realm?: string;
  /**
   * After a lift, the high-risk destination rule is waived this long (default 86 400 s) for calls
   * through a credential whose password was changed after the lifted block was placed, and only those.
   */
  graceSeconds?: number;
  /**
   * Accounts, credentials and fraud lists to provision before Kamailio starts, at every start: what
   * is missing is created, and an existing credential keeps its password (src/provision.ts provision).
   */
  provision?: ProvisionSpec;
  /** Kamailio UDP worker processes (default 4). */
  children?: number;
  /**
   * How long a digest nonce is accepted, in seconds (auth `nonce_expire`, default 300). A phone that
   * answers an older one is challenged again with `stale=true` (kamailio.cfg route[CHALLENGE_FLAGS]).
   */
  nonceExpireSeconds?: number;
  /**
   * How long a relayed call may last, in seconds (dialog `default_timeout`, default 14 400 = 4 h).
   * Then the switch ends it with a BYE to the phone and one to the carrier (`send_bye`).
   */
  dialogTimeoutSeconds?: number;
  delivery?: Omit<DeliveryOptions, 'eventsUrl' | 'webhookSecret' | 'log'>;
  tls?: { cert: string | Buffer; key: string | Buffer };
  kamailioBin?: string;
  /** Companion log lines (default: console). Kamailio's own log goes to <dataDir>/kamailio.log. */
  log?: (line: string) => void;
  startupTimeoutMs?: number;
}

export interface ReferenceSwitch {
  /** "127.0.0.1:5070" */
  sipAddress: string;
  /** Base URL of the switch API (SWITCH_API_URL). */
  apiUrl: string;
  dbPath: string;
  dataDir: string;
  kamailioPid: number;
  realm: string;
  /** Companion-side connection (tests and tools may read it). */
  db: Db;
  /** src/provision.ts provision on this switch's database, with its realm. */
  provision(spec: ProvisionSpec): ProvisionResult;
  /** Check the outbox now (e.g. after a CLI wrote to it). */
  kickDelivery(): void;
  /** Stops Kamailio (its whole process group), the API and event delivery. */
  stop(): Promise<void>;
}

function nextHopUri(address: string): string {
  if (/^sips?:/i.test(address)) return address;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(address.trim());
  if (!m) throw new Error(`uasAddress must be host:port or a SIP URI, got ${JSON.stringify(address)}`);
  const host = isIP(m[1]) === 6 ? `[${m[1]}]` : m[1];
  return `sip:${host}${m[2] ? `:${m[2]}` : ''}`;
}

/** Sends OPTIONS and resolves when Kamailio answers 200: it is then parsing, routing and replying. */
export function sipPing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('error', () => done(false));
    sock.on('message', (m) => done(/^SIP\/2\.0 200 /.test(m.toString('latin1'))));
    sock.bind(0, host, () => {
      const local = sock.address();
      const h = isIP(host) === 6 ? `[${host}]` : host;
      const lh = isIP(local.address) === 6 ? `[${local.address}]` : local.address;
      const tag = randomBytes(6).toString('hex');
      const msg =
        `OPTIONS sip:${h}:${port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP ${lh}:${local.port};branch=z9hG4bK${tag};rport\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:ping@${lh}>;tag=${tag}\r\nTo: <sip:${h}:${port}>\r\n` +
        `Call-ID: ping-${tag}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      sock.send(msg, port, host);
    });
  });
}

export function kamailioAvailable(bin = 'kamailio'): boolean {
  return spawnSync(bin, ['-v'], { stdio: 'ignore' }).status === 0;
}

/** `kamailio` from PATH, else /usr/sbin/kamailio (Debian's location, often not on a user's PATH). */
export function findKamailio(): string {
  if (kamailioAvailable('kamailio')) return 'kamailio';
  if (existsSync('/usr/sbin/kamailio')) return '/usr/sbin/kamailio';
  return 'kamailio';
}

export async function startReferenceSwitch(o: ReferenceSwitchOptions): Promise<ReferenceSwitch> {
  const log = o.log ?? ((line: string) => console.log(`[switch] ${line}`));
  const realm = o.realm ?? DEFAULT_REALM;
  const graceSeconds = o.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const sipHost = o.sipHost ?? '127.0.0.1';
  if (o.token.length < 16) throw new Error('token (SWITCH_API_TOKEN) must be at least 16 characters');
  // The same rule as Tollgate's (lib/server/env.ts): the two sides share this key, and a shorter one
  // started the switch while Tollgate refused to start with it.
  if (Buffer.byteLength(o.webhookSecret) < 32 || o.webhookSecret !== o.webhookSecret.trim())
    throw new Error(
      'webhookSecret (SWITCH_WEBHOOK_SECRET) must be at least 32 bytes without surrounding whitespace, as Tollgate requires',
    );
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(realm)) throw new Error('realm must be a domain name');
  new URL(o.eventsUrl); // throws on a malformed URL
  const nextHop = nextHopUri(o.uasAddress);

  const dataDir = path.resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dbPath = path.join(dataDir, 'switch.db');
  const ctlSock = path.join(dataDir, 'kamailio_ctl');
  if (Buffer.byteLength(ctlSock) > 100)
    throw new Error(`dataDir path too long for a unix socket: ${ctlSock}`);
  for (const [name, v] of [
    ['dataDir', dataDir],
    ['realm', realm],
    ['uasAddress', nextHop],
  ] as const) {
    if (/["\\\s]/.test(v)) throw new Error(`${name} must not contain quotes, backslashes or spaces: ${v}`);
  }

  const fresh = !existsSync(dbPath);
  createDatabase(dbPath);
  const db = openDb(dbPath);
  let kamailio: ChildProcess | null = null;
  let api: ApiServer | null = null;
  let deliverer: Deliverer | null = null;
  const killGroup = () => {
    if (kamailio?.pid && kamailio.exitCode === null && kamailio.signalCode === null) {
      try {
        process.kill(-kamailio.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };

  try {
    // The realm every ha1 is made for, for the CLI's set-password and provision (src/cli.ts).
    const before = writeRealm(db, realm);
    if (before !== null && before !== realm)
      log(
        `realm changed from ${before} to ${realm}: the stored passwords (ha1) were made for ${before} and no longer authenticate until each is set again`,
      );
    if (fresh && !o.provision?.highRiskPrefixes)
      provision(db, realm, { highRiskPrefixes: DEFAULT_HIGH_RISK_PREFIXES });
    if (o.provision) log(`provisioning: ${describeProvisioning(provision(db, realm, o.provision))}`);

    const q = (s: string) => `"${s}"`;
    // db_url "sqlite:///x" names the relative path "x" (Kamailio runs in dataDir): an absolute path needs four slashes.
    const dbUrl = `sqlite:///${dbPath}`;
    const args = [
      '-f',
      KAMAILIO_CFG_PATH,
      '-DD',
      '-E',
      '-l',
      `udp:${isIP(sipHost) === 6 ? `[${sipHost}]` : sipHost}:${o.sipPort}`,
      '-P',
      path.join(dataDir, 'kamailio.pid'),
      '-Y',
      dataDir,
      '-w',
      dataDir,
      // Shared memory, MB. Every REGISTER and INVITE is a transaction (stateful before the digest
      // check, for nonce_count), kept in it until the wait timer ends, about 23 KB a REGISTER here
      // (kamcmd core.shmmem: max_used 47.5 MB for 2 000 REGISTERs at 300/s). 64 MB ran out at the
      // bench's rates (npm run bench, kamailio-register: up to 2 000/s), and every later REGISTER got
      // 500 until the load stopped. Pages are touched only as used.
      '-m',
      '512',
      '-M',
      '8',
      '-A',
      `DBURL=${q(dbUrl)}`,
      '-A',
      `SQLCON=${q(`db=>${dbUrl}`)}`,
      '-A',
      `REALM=${q(realm)}`,
      '-A',
      `NEXTHOP=${q(nextHop)}`,
      '-A',
      `CTLSOCK=${q(`unix:${ctlSock}`)}`,
      '-A',
      `CHILDREN=${Math.max(1, Math.floor(o.children ?? 4))}`,
      '-A',
      `NONCE_EXPIRE=${Math.max(1, Math.floor(o.nonceExpireSeconds ?? 300))}`,
      '-A',
      `DIALOG_TIMEOUT=${Math.max(1, Math.floor(o.dialogTimeoutSeconds ?? 14_400))}`,
    ];
    const logFile = createWriteStream(path.join(dataDir, 'kamailio.log'), { flags: 'a' });
    const tail: string[] = [];
    // Own process group (detached): stop() signals the whole group, Kamailio's children included.
    // TZ=UTC keeps Kamailio's own timestamps in UTC like everything else here.
    kamailio = spawn(o.kamailioBin ?? findKamailio(), args, {
      cwd: dataDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    });
    const keep = (chunk: Buffer) => {
      logFile.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
      if (tail.length > 60) tail.splice(0, tail.length - 60);
    };
    kamailio.stdout?.on('data', keep);
    kamailio.stderr?.on('data', keep);
    process.once('exit', killGroup);
    const exited = new Promise<number | null>((resolve) => kamailio?.once('exit', (code) => resolve(code)));
    kamailio.once('error', (e) => tail.push(`spawn error: ${e.message}`));

    const deadline = Date.now() + (o.startupTimeoutMs ?? 10_000);
    let up = false;
    while (!up && Date.now() < deadline) {
      const gone = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 50)),
      ]);
      if (gone || kamailio.exitCode !== null) {
        throw new Error(`kamailio exited during startup (code ${kamailio.exitCode}):\n${tail.join('\n')}`);
      }
      up = await sipPing(sipHost, o.sipPort, 300);
    }
    if (!up)
      throw new Error(`kamailio did not answer OPTIONS on ${sipHost}:${o.sipPort}:\n${tail.join('\n')}`);
    log(`kamailio ${kamailio.pid} listening on udp:${sipHost}:${o.sipPort}, next hop ${nextHop}`);

    api = await startApi(db, {
      token: o.token,
      realm,
      graceSeconds,
      host: o.httpHost,
      port: o.httpPort,
      tls: o.tls,
      log,
    });
    log(`switch API on ${api.url}`);
    deliverer = startDelivery(db, {
      ...o.delivery,
      eventsUrl: o.eventsUrl,
      webhookSecret: o.webhookSecret,
      log,
    });

    const proc = kamailio;
    const apiServer = api;
    const delivery = deliverer;
    let stopping: Promise<void> | null = null;
    return {
      sipAddress: `${sipHost}:${o.sipPort}`,
      apiUrl: apiServer.url,
      dbPath,
      dataDir,
      kamailioPid: proc.pid ?? -1,
      realm,
      db,
      provision: (spec) => provision(db, realm, spec),
      kickDelivery: () => delivery.kick(),
      stop() {
        stopping ??= (async () => {
          await delivery.stop();
          await apiServer.close();
          if (proc.pid && proc.exitCode === null && proc.signalCode === null) {
            try {
              process.kill(-proc.pid, 'SIGTERM');
            } catch {
              /* gone */
            }
            const t = setTimeout(killGroup, 5_000);
            await exited;
            clearTimeout(t);
          }
          process.off('exit', killGroup);
          logFile.end();
          db.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await deliverer?.stop();
    await api?.close();
    killGroup();
    process.off('exit', killGroup);
    db.close();
    throw e;
  }
}

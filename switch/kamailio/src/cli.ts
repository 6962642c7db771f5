// Command line of the reference switch. `switch/kamailio/run.sh <command>` runs this with tsx.
//
//   start        create/upgrade the database and its dialling tables, provision, start Kamailio + the
//                companion (foreground); the other commands never rebuild the dialling tables
//   provision    apply a provisioning JSON file (accounts, credentials, fraud lists): creates what is
//                missing, never changes an existing credential's password (src/provision.ts)
//   set-password set one SIP password (read from stdin), as the switch API would: the one way to
//                change an existing credential's password from here (it ends its registrations)
//   block | lift change an account's international calling as the provider's staff, and tell Tollgate
//   status       accounts, credentials, registrations and the event outbox (reads only)
//
// Secrets come from the environment only (never argv): SWITCH_API_TOKEN, SWITCH_WEBHOOK_SECRET.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setInternationalCalling } from './accounts';
import { createDatabase, julianToMs, msToJulian, openDb, readRealm, type Db } from './db';
import { DEFAULT_GRACE_SECONDS, DEFAULT_REALM, startReferenceSwitch } from './launcher';
import { describeProvisioning, provision, setSubscriberPassword, type ProvisionSpec } from './provision';

const REASONS = ['high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern', 'manual'] as const;
/** The longest actor, in UTF-16 code units after trimming: CONTRACTS §4 (the switch API's limit too). */
const ACTOR_MAX = 200;
/** C0 controls (tab and line breaks included: an actor is one line), DEL and C1 controls. */
const ACTOR_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with `actor` as the name a `block.lifted` carries to Tollgate (CONTRACTS §4:
 * 1–200 characters, no control characters), or null when nothing is. Tollgate reads any actor
 * (it cleans and cuts one it cannot keep as sent), but the switch stores and logs what it was
 * given, so an operator's typo is refused here, where it can still be corrected.
 */
function actorProblem(actor: string): string | null {
  const trimmed = actor.trim();
  if (trimmed.length === 0) return 'it is empty';
  if (trimmed.length > ACTOR_MAX) return `it is ${trimmed.length} characters long`;
  const control = ACTOR_CONTROL.exec(trimmed);
  if (control)
    return `it contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return null;
}

/**
 * Who `block` / `lift` record as the actor: `--actor` (trimmed), refused with exit code 2 when
 * actorProblem finds it wrong; without it, the login name ($USER) when that is a valid actor, else
 * `switch`.
 */
function actorOf(given: string | undefined): string {
  if (given === undefined) {
    const user = env.USER;
    return user !== undefined && actorProblem(user) === null ? user.trim() : 'switch';
  }
  const problem = actorProblem(given);
  if (problem)
    fail(
      `--actor must be 1–${ACTOR_MAX} characters without control characters (who Tollgate shows lifted the block); ${problem}`,
    );
  return given.trim();
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function usage(): never {
  process.stdout.write(`usage: run.sh <command> [options]

  start [--sip-host H] [--sip-port P] [--api-host H] [--api-port P] [--data-dir D]
        [--events-url URL] [--next-hop HOST:PORT] [--realm R] [--grace-seconds N]
        [--provision FILE] [--children N] [--max-call-seconds N] [--change-realm]
        (a restart keeps the realm recorded by the last start; another one needs --change-realm)
        env: SWITCH_API_TOKEN, SWITCH_WEBHOOK_SECRET (required); SWITCH_TLS_CERT, SWITCH_TLS_KEY (optional);
             defaults for the options: SWITCH_SIP_HOST, SWITCH_SIP_PORT, SWITCH_API_HOST, SWITCH_API_PORT,
             SWITCH_DATA_DIR, TOLLGATE_EVENTS_URL, SWITCH_NEXT_HOP, SWITCH_REALM, SWITCH_GRACE_SECONDS,
             SWITCH_PROVISION_FILE, SWITCH_CHILDREN, SWITCH_MAX_CALL_SECONDS (default 14400: a relayed
             call is ended on both legs after it)
  provision --file FILE [--data-dir D] [--realm R]    (never changes an existing credential's password)
  set-password --username U [--data-dir D] [--realm R]          (password on stdin)
        --realm for these two: the realm the switch was started with, which they read from its
        database; a different one is refused
  block --account ACC-… [--reason manual] [--actor NAME] [--data-dir D]
  lift --account ACC-… [--actor NAME] [--data-dir D]
  status [--data-dir D]
`);
  process.exit(2);
}

const env = process.env;
const [command, ...rest] = process.argv.slice(2);
const { values: opt } = parseArgs({
  args: rest,
  strict: true,
  options: {
    'sip-host': { type: 'string' },
    'sip-port': { type: 'string' },
    'api-host': { type: 'string' },
    'api-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'events-url': { type: 'string' },
    'next-hop': { type: 'string' },
    realm: { type: 'string' },
    'grace-seconds': { type: 'string' },
    'change-realm': { type: 'boolean' },
    provision: { type: 'string' },
    children: { type: 'string' },
    'max-call-seconds': { type: 'string' },
    file: { type: 'string' },
    username: { type: 'string' },
    account: { type: 'string' },
    reason: { type: 'string' },
    actor: { type: 'string' },
  },
});

const dataDir = path.resolve(opt['data-dir'] ?? env.SWITCH_DATA_DIR ?? 'data/reference-switch');
/** The realm the operator named (--realm, else SWITCH_REALM), if any. */
const realmGiven = opt.realm ?? env.SWITCH_REALM;
const dbPath = path.join(dataDir, 'switch.db');

/**
 * The digest realm for an ha1 written by `provision` or `set-password`: the one the database records
 * (db.ts readRealm: `start` writes the realm it runs with), so that a password set here authenticates
 * against the running Kamailio. A --realm or SWITCH_REALM that differs from it is refused with exit
 * code 2 before anything changes: an ha1 made for another realm fails for the new password and the
 * old one alike. A database no `start` has recorded a realm in (provisioned before the first start,
 * or last started by a version before 2026-12) takes the given realm, default tollgate.test.
 */
function realmOf(db: Db): string {
  const recorded = readRealm(db);
  if (recorded === null) return realmGiven ?? DEFAULT_REALM;
  if (realmGiven !== undefined && realmGiven !== recorded)
    fail(
      `${opt.realm !== undefined ? '--realm' : 'SWITCH_REALM'} is ${realmGiven}, but the switch in ${dataDir} was started with the realm ${recorded}; a password hashed for another realm never authenticates. Leave it out to use ${recorded}`,
    );
  return recorded;
}

function int(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v)) fail(`${name} must be a whole number`);
  return Number(v);
}

function positive(name: string, n: number): number {
  if (n < 1) fail(`${name} must be at least 1`);
  return n;
}

function readSpec(file: string): ProvisionSpec {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProvisionSpec;
  } catch (e) {
    fail(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Runs `fn` on the switch database, the running switch's included. The dialling tables are never
 * rebuilt here, only by `start` (db.ts CreateDatabaseOptions): rebuilding them on every command
 * spent about 1.5 s of CPU and held the live database's write lock about 70 ms, `status` included,
 * which monitoring polls. `write`: a command that changes the database creates it when missing
 * (`provision` before the first `start`) and adds what a newer schema.sql has; `read` (`status`)
 * writes nothing and refuses, with exit code 2, a data directory without a database (a
 * wrong --data-dir read as an empty, healthy switch).
 */
function withDb<T>(mode: 'read' | 'write', fn: (db: ReturnType<typeof openDb>) => T): T {
  if (mode === 'write') createDatabase(dbPath, { dialTables: false });
  else if (!existsSync(dbPath))
    fail(`no switch database at ${dbPath}: check --data-dir (or SWITCH_DATA_DIR), or run start first`);
  const db = openDb(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  switch (command) {
    case 'start': {
      // The realm every stored ha1 was made for, when an earlier start recorded one (db.ts readRealm):
      // a restart without --realm / SWITCH_REALM (a unit file or container that lost it) keeps it
      // instead of falling back to tollgate.test, which would fail every phone with 401, and a
      // different one is refused unless --change-realm says the operator means it (every password
      // must then be set again). Checked before anything starts or changes.
      const recordedRealm = existsSync(dbPath) ? withDb('write', readRealm) : null;
      if (
        realmGiven !== undefined &&
        recordedRealm !== null &&
        realmGiven !== recordedRealm &&
        !opt['change-realm']
      )
        fail(
          `${opt.realm !== undefined ? '--realm' : 'SWITCH_REALM'} is ${realmGiven}, but the switch in ${dataDir} was started with the realm ${recordedRealm}, which every stored password (ha1) is made for: leave it out to keep ${recordedRealm}, or add --change-realm and then set every password again`,
        );
      const token =
        env.SWITCH_API_TOKEN ?? fail('SWITCH_API_TOKEN is not set (the bearer token Tollgate sends)');
      const webhookSecret =
        env.SWITCH_WEBHOOK_SECRET ??
        fail('SWITCH_WEBHOOK_SECRET is not set (the HMAC key shared with Tollgate)');
      const eventsUrl =
        opt['events-url'] ??
        env.TOLLGATE_EVENTS_URL ??
        fail('--events-url or TOLLGATE_EVENTS_URL is required');
      const uasAddress =
        opt['next-hop'] ??
        env.SWITCH_NEXT_HOP ??
        fail('--next-hop or SWITCH_NEXT_HOP is required (your carrier / gateway)');
      const provisionFile = opt.provision ?? env.SWITCH_PROVISION_FILE;
      const tls =
        env.SWITCH_TLS_CERT && env.SWITCH_TLS_KEY
          ? { cert: readFileSync(env.SWITCH_TLS_CERT), key: readFileSync(env.SWITCH_TLS_KEY) }
          : undefined;
      let sw: Awaited<ReturnType<typeof startReferenceSwitch>>;
      try {
        sw = await startReferenceSwitch({
          sipHost: opt['sip-host'] ?? env.SWITCH_SIP_HOST ?? '127.0.0.1',
          sipPort: int('--sip-port', opt['sip-port'] ?? env.SWITCH_SIP_PORT, 5060),
          httpHost: opt['api-host'] ?? env.SWITCH_API_HOST ?? '127.0.0.1',
          httpPort: int('--api-port', opt['api-port'] ?? env.SWITCH_API_PORT, 8088),
          dataDir,
          token,
          webhookSecret,
          eventsUrl,
          uasAddress,
          realm: realmGiven ?? recordedRealm ?? DEFAULT_REALM,
          graceSeconds: int(
            '--grace-seconds',
            opt['grace-seconds'] ?? env.SWITCH_GRACE_SECONDS,
            DEFAULT_GRACE_SECONDS,
          ),
          provision: provisionFile ? readSpec(provisionFile) : undefined,
          children: int('--children', opt.children ?? env.SWITCH_CHILDREN, 4),
          dialogTimeoutSeconds: positive(
            '--max-call-seconds',
            int('--max-call-seconds', opt['max-call-seconds'] ?? env.SWITCH_MAX_CALL_SECONDS, 14_400),
          ),
          tls,
        });
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
      }
      console.log(`[switch] SIP udp:${sw.sipAddress}  API ${sw.apiUrl}  data ${sw.dataDir}  (Ctrl-C stops)`);
      let stopping = false;
      const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`[switch] ${sig}: stopping`);
        void sw.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      return;
    }
    case 'provision': {
      const file = opt.file ?? fail('--file is required');
      const spec = readSpec(file);
      const result = withDb('write', (db) => provision(db, realmOf(db), spec));
      const n = spec.accounts?.length ?? 0;
      console.log(`provisioned ${n} account(s) in ${dbPath}: ${describeProvisioning(result)}`);
      return;
    }
    case 'set-password': {
      const username = opt.username ?? fail('--username is required');
      const password = await readStdin();
      if (password.length < 1 || password.length > 128) fail('the password (stdin) must be 1–128 characters');
      const ok = withDb('write', (db) => setSubscriberPassword(db, realmOf(db), username, password));
      if (!ok) fail(`no SIP credential ${username}`);
      console.log(`password set for ${username}; its registrations were ended`);
      return;
    }
    case 'block':
    case 'lift': {
      const account = opt.account ?? fail('--account is required');
      const actor = actorOf(opt.actor);
      const reason = (opt.reason ?? 'manual') as (typeof REASONS)[number];
      if (command === 'block' && !REASONS.includes(reason))
        fail(`--reason must be one of ${REASONS.join(', ')}`);
      const result = withDb('write', (db) =>
        db
          .transaction(() =>
            setInternationalCalling(db, account, {
              state: command === 'block' ? 'blocked' : 'allowed',
              reason: command === 'block' ? reason : 'lifted by the provider',
              actor,
              source: 'cli',
              graceSeconds: int(
                '--grace-seconds',
                opt['grace-seconds'] ?? env.SWITCH_GRACE_SECONDS,
                DEFAULT_GRACE_SECONDS,
              ),
              emitEvent: true,
              eventReason: reason,
            }),
          )
          .immediate(),
      );
      if (!result) fail(`no account ${account}`);
      console.log(
        `${account}: international calling ${result.internationalCalling} (Tollgate is told by the running switch)`,
      );
      return;
    }
    case 'status': {
      withDb('read', (db) => {
        const accounts = db
          .prepare(
            'SELECT number, name, intl_state, blocked_at, reason, hr_grace_until FROM accounts ORDER BY number',
          )
          .all() as {
          number: string;
          name: string;
          intl_state: string;
          blocked_at: string | null;
          reason: string | null;
          hr_grace_until: number;
        }[];
        const now = Date.now();
        for (const a of accounts) {
          // The window waives the high-risk rule only for credentials rotated since the lifted block.
          const grace =
            a.hr_grace_until * 1000 > now
              ? `  grace for rotated credentials until ${new Date(a.hr_grace_until * 1000).toISOString()}`
              : '';
          console.log(
            `${a.number}\t${a.intl_state}${a.intl_state === 'blocked' ? ` since ${a.blocked_at} (${a.reason})` : ''}${grace}\t${a.name}`,
          );
          const subs = db
            .prepare('SELECT username FROM subscriber WHERE account_number = ? ORDER BY username')
            .all(a.number) as { username: string }[];
          for (const s of subs) {
            const regs = db
              .prepare('SELECT contact, expires FROM location WHERE username = ? AND expires > ?')
              .all(s.username, msToJulian(now)) as { contact: string; expires: number }[];
            console.log(
              `  ${s.username}\t${regs.length === 0 ? 'not registered' : regs.map((r) => `${r.contact} until ${new Date(julianToMs(r.expires)).toISOString()}`).join(', ')}`,
            );
          }
        }
        const out = db
          .prepare(
            `SELECT count(*) AS pending FROM outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL`,
          )
          .get() as { pending: number };
        console.log(`events waiting for delivery: ${out.pending}`);
        // Abandoned: refused by Tollgate for good (its error codes that are final: src/events.ts
        // REFUSED_FOR_GOOD), or given up after the retry horizon. Each is an event Tollgate never
        // applied: its account is compared with this switch by Tollgate's reconciler, and a person
        // should read why.
        const abandoned = db
          .prepare(
            `SELECT event_id, type, account_number, abandoned_at, last_status, last_error FROM outbox
              WHERE abandoned_at IS NOT NULL ORDER BY abandoned_at DESC, seq DESC`,
          )
          .all() as {
          event_id: string | null;
          type: string;
          account_number: string;
          abandoned_at: number;
          last_status: number | null;
          last_error: string | null;
        }[];
        console.log(`events abandoned (not delivered, not retried): ${abandoned.length}`);
        for (const e of abandoned.slice(0, 20))
          console.log(
            `  ${new Date(e.abandoned_at).toISOString()}\t${e.event_id ?? '-'}\t${e.type} ${e.account_number}\t${e.last_error ?? (e.last_status === null ? 'no answer' : `HTTP ${e.last_status}`)}`,
          );
      });
      return;
    }
    default:
      usage();
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));

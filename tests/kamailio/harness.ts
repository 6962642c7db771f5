// Test harness for the reference switch: tool check/installation, free ports, SIPp runs, a SIPp
// carrier (UAS) and a stand-in for Tollgate's events endpoint. Reusable by the full-loop test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SWITCH_DIR } from '../../switch/kamailio/src/db';
import { findKamailio } from '../../switch/kamailio/src/launcher';
import { freeTcpPort, freeUdpPort } from '../../e2e/support/ports';
import { aptInstall } from '../helpers/apt';

export const SIPP_DIR = path.join(SWITCH_DIR, 'sipp');
const PACKAGES = ['kamailio', 'kamailio-sqlite-modules', 'sip-tester'];

function missingTools(): string[] {
  const missing: string[] = [];
  const k = spawnSync(findKamailio(), ['-h'], { encoding: 'utf8' });
  if (k.error || (k.status !== 0 && !`${k.stdout}${k.stderr}`.includes('Usage'))) {
    missing.push('kamailio');
  } else {
    const m = /Modules search path \(default: ([^)]+)\)/.exec(`${k.stdout}${k.stderr}`);
    const dir = m ? m[1].trim() : '/usr/lib/x86_64-linux-gnu/kamailio/modules';
    if (!existsSync(path.join(dir, 'db_sqlite.so'))) missing.push('kamailio-sqlite-modules (db_sqlite.so)');
  }
  const s = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  if (s.error || !/SIPp/.test(`${s.stdout}${s.stderr}`)) missing.push('sipp');
  return missing;
}

/**
 * Never skips. Missing tools are installed with apt-get when running as root (as `npm test` may),
 * otherwise the suite fails saying exactly what is missing.
 */
export function ensureSwitchTools(): void {
  let missing = missingTools();
  if (missing.length === 0) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `The reference switch tests need ${missing.join(', ')}. Install them with:\n` +
        `  sudo apt-get install -y ${PACKAGES.join(' ')}\n(or run the tests as root, which installs them).`,
    );
  }
  aptInstall(PACKAGES);
  missing = missingTools();
  if (missing.length > 0)
    throw new Error(`apt-get could not install ${missing.join(', ')} (packages ${PACKAGES.join(' ')})`);
}

export { freeTcpPort, freeUdpPort };

/**
 * Whether a socket is bound to UDP `host`:`port` (IPv4), read from the kernel's table in
 * /proc/net/udp (Linux, where the reference switch runs): it binds nothing itself, so it cannot take
 * the port from the process it waits for. An address of 0.0.0.0 counts as bound on every address.
 */
function udpPortBound(host: string, port: number): boolean {
  const octets = host.split('.').map(Number);
  if (os.endianness() === 'LE') octets.reverse();
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const tail = `:${hex(port, 4)}`;
  const wanted = [`${octets.map((o) => hex(o, 2)).join('')}${tail}`, `00000000${tail}`];
  return readFileSync('/proc/net/udp', 'latin1')
    .split('\n')
    .slice(1)
    .some((line) => wanted.includes(line.trim().split(/\s+/)[1]));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export interface SippResult {
  code: number | null;
  ms: number;
  output: string;
  localPort: number;
}

export interface SippCall {
  scenario:
    | 'register.xml'
    | 'register-rejected.xml'
    | 'register-unauthorized.xml'
    | 'register-no-user-agent.xml'
    | 'register-user-agent.xml'
    | 'register-user-agent-too-long.xml'
    | 'call.xml'
    | 'call-cut.xml'
    | 'call-hold.xml'
    | 'refer.xml'
    | 'call-refused.xml'
    | 'call-unauthorized.xml'
    | 'forged-reinvite.xml'
    | 'call-uri.xml'
    | 'call-uri-refused.xml'
    | 'call-uri-incomplete.xml'
    | 'call-stale.xml'
    | 'register-stale.xml'
    | 'replay-invite.xml'
    | 'replay-register.xml';
  /** R-URI user: the dialled number for calls, the username for REGISTER. */
  service: string;
  username: string;
  /** The From user of calls (default `username`); escaped when the username has an "@". */
  caller?: string;
  password: string;
  switchAddress: string;
  /** Local address SIPp sends from (default 127.0.0.1; any 127.x.y.z works on Linux). */
  localIp?: string;
  localPort?: number;
  /** More SIPp options, e.g. ['-cid_str', '…%u-%p@%s'] for a crafted Call-ID. */
  extraArgs?: string[];
  cwd: string;
}

/** Runs one SIPp call (-m 1) and reports its exit code: 0 means the scenario ran to its end. */
export async function runSipp(c: SippCall): Promise<SippResult> {
  const localIp = c.localIp ?? '127.0.0.1';
  const localPort = c.localPort ?? (await freeUdpPort(localIp));
  const args = [
    '-sf',
    path.join(SIPP_DIR, c.scenario),
    '-s',
    c.service,
    '-au',
    c.username,
    '-ap',
    c.password,
    '-key',
    'caller',
    c.caller ?? c.username,
    '-i',
    localIp,
    '-p',
    String(localPort),
    '-m',
    '1',
    '-nostdin',
    '-recv_timeout',
    '5000',
    '-timeout',
    '10s',
    '-timeout_error',
    ...(c.extraArgs ?? []),
    c.switchAddress,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { cwd: c.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4000)));
    p.stderr.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4000)));
    p.on('close', (code) => resolve({ code, ms: Date.now() - started, output, localPort }));
  });
}

/**
 * Runs a SIPp load (`args`, working folder `cwd`; `detached`: in its own process group) and resolves
 * when it exits: its exit code and the last 4000 characters of what it wrote to stderr.
 */
export function spawnSippLoad(
  args: string[],
  cwd: string,
  detached = false,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached });
    let output = '';
    p.stderr.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4000)));
    p.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * The counters of a SIPp statistics file (`-trace_stat -stf FILE`, `;`-separated with a header row):
 * a column's value in the last row, by name (e.g. `SuccessfulCall(C)`); NaN when the file, the row or
 * the column is missing.
 */
export function sippStat(file: string): (column: string) => number {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  return (column) => {
    if (lines.length < 2) return NaN;
    const i = lines[0].split(';').indexOf(column);
    return i < 0 ? NaN : Number(lines[lines.length - 1].split(';')[i]);
  };
}

/**
 * Writes SIPp's injection file for sipp/register-csv.xml: one line per user, `username;[authentication
 * username=… password=…]` (the whole auth string in one field: ENVIRONMENT.md). Throws on a `;`, `]`
 * or newline in a name or password, which the format cannot carry.
 */
export function writeSippUsers(file: string, users: { username: string; password: string }[]): void {
  for (const u of users) {
    if (/[;\]\n]/.test(u.username + u.password))
      throw new Error('CSV users must not contain ; ] or newlines');
  }
  writeFileSync(
    file,
    `SEQUENTIAL\n${users.map((u) => `${u.username};[authentication username=${u.username} password=${u.password}]`).join('\n')}\n`,
  );
}

/**
 * SIPp's arguments for a REGISTER load of sipp/register-csv.xml from `o.csv` (writeSippUsers): `rate`
 * new calls per second, at most `limit` at once, `calls` in all, each timing out after `timeout`
 * (e.g. `60s`); counters to `stat` (sippStat reads them); `extra` before the switch's address.
 */
export async function sippRegisterArgs(o: {
  csv: string;
  rate: number;
  limit: number;
  calls: number;
  timeout: string;
  stat: string;
  switchAddress: string;
  extra?: string[];
}): Promise<string[]> {
  return [
    '-sf',
    path.join(SIPP_DIR, 'register-csv.xml'),
    '-inf',
    o.csv,
    '-r',
    String(o.rate),
    '-l',
    String(o.limit),
    '-m',
    String(o.calls),
    '-i',
    '127.0.0.1',
    '-p',
    String(await freeUdpPort()),
    '-nostdin',
    '-timeout',
    o.timeout,
    '-timeout_error',
    '-trace_stat',
    '-stf',
    o.stat,
    ...(o.extra ?? []),
    o.switchAddress,
  ];
}

/** Many REGISTERs from a CSV of users (sipp/register-csv.xml); resolves with SIPp's exit code and counters. */
export async function runSippRegisterLoad(o: {
  users: { username: string; password: string }[];
  rate: number;
  calls: number;
  switchAddress: string;
  cwd: string;
}): Promise<{ code: number | null; ms: number; successful: number; failed: number; output: string }> {
  const csv = path.join(o.cwd, `users-${process.pid}-${Date.now()}.csv`);
  writeSippUsers(csv, o.users);
  const stat = path.join(o.cwd, `load-${process.pid}-${Date.now()}.csv`);
  const args = await sippRegisterArgs({
    csv,
    rate: o.rate,
    limit: Math.max(50, o.rate),
    calls: o.calls,
    timeout: '60s',
    stat,
    switchAddress: o.switchAddress,
  });
  const started = Date.now();
  const { code, output } = await spawnSippLoad(args, o.cwd);
  const col = sippStat(stat);
  return {
    code,
    ms: Date.now() - started,
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    output,
  };
}

export interface Uas {
  address: string;
  /** Request-URIs of the INVITEs the carrier received, in order. */
  invites(): string[];
  /** Every request the carrier received, in order: its method, Call-ID and User-Agent ('' if none). */
  requests(): { method: string; callId: string; userAgent: string }[];
  stop(): Promise<void>;
}

/**
 * The carrier behind the switch: a SIPp UAS answering every call (sipp/uas.xml, or `scenario`, a
 * path). Resolves once SIPp holds its UDP port (read from the kernel's table, see udpPortBound).
 * The port is one the kernel had free a moment before; should another process take it first, SIPp
 * exits with 254 ("Unable to bind main socket") and is started again on a new one, up to 3 times.
 */
export async function startUas(
  cwd: string,
  ip = '127.0.0.1',
  scenario = path.join(SIPP_DIR, 'uas.xml'),
): Promise<Uas> {
  let port = 0;
  let messages = '';
  const spawnUas = async (): Promise<ChildProcess> => {
    port = await freeUdpPort(ip);
    messages = path.join(cwd, `uas-${port}-messages.log`);
    return spawn(
      'sipp',
      ['-sf', scenario, '-i', ip, '-p', String(port), '-nostdin', '-trace_msg', '-message_file', messages],
      { cwd, stdio: 'ignore', detached: true },
    );
  };
  let p = await spawnUas();
  const deadline = Date.now() + 5_000;
  for (let restarts = 0; !udpPortBound(ip, port);) {
    if (p.exitCode === 254 && restarts < 3) {
      restarts++;
      p = await spawnUas();
      continue;
    }
    if (p.exitCode !== null) throw new Error(`SIPp UAS exited with ${p.exitCode}`);
    if (Date.now() > deadline) throw new Error('SIPp UAS did not bind its port');
    await sleep(25);
  }
  return {
    address: `${ip}:${port}`,
    invites: () =>
      existsSync(messages)
        ? [...readFileSync(messages, 'latin1').matchAll(/^INVITE (\S+) SIP\/2\.0/gm)].map((m) => m[1])
        : [],
    requests: () =>
      existsSync(messages)
        ? [
            ...readFileSync(messages, 'latin1').matchAll(
              /^([A-Z]+) \S+ SIP\/2\.0\r?\n((?:[^\r\n]+\r?\n)*)/gm,
            ),
          ].map((m) => ({
            method: m[1],
            callId: /^(?:Call-ID|i)\s*:\s*(\S+)/im.exec(m[2])?.[1] ?? '',
            userAgent: /^User-Agent\s*:\s*(.*?)\s*$/im.exec(m[2])?.[1] ?? '',
          }))
        : [],
    stop: async () => {
      if (p.pid && p.exitCode === null) {
        try {
          process.kill(-p.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        await new Promise((r) => p.once('exit', r));
      }
    },
  };
}

export interface ReceivedEvent {
  at: number;
  signature: string | undefined;
  contentType: string | undefined;
  raw: string;
}

export type ReceiverMode = 'ok' | 'hang' | 'fail';

/** Stands in for Tollgate's POST /api/switch/events: records every delivery attempt. */
export async function startEventReceiver(): Promise<{
  url: string;
  received: ReceivedEvent[];
  setMode(m: ReceiverMode): void;
  /**
   * Accounts this Tollgate does not know (yet): their events get `404`, as Tollgate answers
   * (CONTRACTS §4), whatever the mode. The set is read on every request.
   */
  unknownAccounts: Set<string>;
  close(): Promise<void>;
}> {
  const received: ReceivedEvent[] = [];
  const unknownAccounts = new Set<string>();
  let mode: ReceiverMode = 'ok';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        at: Date.now(),
        signature: req.headers['tollgate-signature'] as string | undefined,
        contentType: req.headers['content-type'],
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url !== '/api/switch/events' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      let account: unknown;
      try {
        account = (JSON.parse(received[received.length - 1]!.raw) as { data?: { accountNumber?: unknown } })
          .data?.accountNumber;
      } catch {
        account = undefined;
      }
      // As Tollgate answers an event for an account it does not know (CONTRACTS §4: 404 `unknown_account`).
      if (typeof account === 'string' && unknownAccounts.has(account)) {
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"unknown_account","message":"unknown account"}}');
        return;
      }
      if (mode === 'hang') return; // never answers: a Tollgate that is stuck
      if (mode === 'fail') {
        res
          .writeHead(503, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"unavailable","message":"down"}}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true,"duplicate":false}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/switch/events`,
    received,
    setMode: (m) => (mode = m),
    unknownAccounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

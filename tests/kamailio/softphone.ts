// Real softphones against the reference switch: Debian's baresip (baresip-core), headless, with a
// throwaway configuration directory per registration. Used by softphones.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { aptInstall } from '../helpers/apt';
import { freeUdpPort } from './harness';

/** A softphone's account on the switch: where it is, the SIP credential, its own UDP port and work directory. */
export type Softphone = {
  switchAddress: string;
  username: string;
  password: string;
  localPort: number;
  cwd: string;
};

/** Installs baresip-core when running as root (as npm test may); otherwise says what is missing. */
export function ensureBaresip(): void {
  if (spawnSync('baresip', ['-h'], { encoding: 'utf8' }).error === undefined) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root)
    throw new Error(
      'The softphone tests need baresip: sudo apt-get install -y --no-install-recommends baresip-core',
    );
  aptInstall(['baresip-core']);
}

/**
 * Registers `username` with `password` through the switch at `switchAddress` ("127.0.0.1:5070") using
 * baresip, written into its accounts file the way a person or a provisioning script writes it
 * (`;auth_pass=…`). Resolves with baresip's output once it quits (after `seconds`, default 3), or as
 * soon as its output matches `answered` (the switch's final answer to the REGISTER), when given:
 * baresip is then stopped instead of idling out its seconds.
 */
export async function baresipRegister(
  o: Softphone & { seconds?: number; answered?: RegExp },
): Promise<string> {
  // baresip listens on `localPort` over UDP *and* TCP. freeUdpPort picks a port free for both, below
  // the range the kernel draws outgoing connections' ports from, but another test process may still
  // take it meanwhile (seen before: "tcp: sock_bind: bind: Address already in use" under a full test
  // run): that is the machine's race, not the switch's answer, so it is tried again on a new port.
  for (let attempt = 1; ; attempt++) {
    const out = await baresipOnce(o);
    if (!/Address already in use/.test(out) || attempt === 3) return out;
    o = { ...o, localPort: await freeUdpPort() };
  }
}

/**
 * Places a call from baresip to `to` (a SIP URI at the switch) with `password`, without registering
 * (`regint=0`): the switch challenges the INVITE (407) and baresip answers it. Resolves with baresip's
 * output as soon as it matches `answered` (default: the call established or refused), or once it
 * quits after `seconds` (default 5). Stopping baresip hangs the call up (BYE).
 */
export async function baresipCall(
  o: Softphone & { to: string; seconds?: number; answered?: RegExp },
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const out = await baresipOnce({
      ...o,
      seconds: o.seconds ?? 5,
      answered: o.answered ?? /Call established|session closed|terminated/,
      dial: o.to,
    });
    if (!/Address already in use/.test(out) || attempt === 3) return out;
    o = { ...o, localPort: await freeUdpPort() };
  }
}

function baresipOnce(o: Parameters<typeof baresipRegister>[0] & { dial?: string }): Promise<string> {
  const dir = mkdtempSync(path.join(o.cwd, 'baresip-'));
  writeFileSync(
    path.join(dir, 'config'),
    [
      `sip_listen\t\t127.0.0.1:${o.localPort}`,
      'module_path\t\t/usr/lib/baresip/modules',
      'module\t\t\tg711.so',
      // the command module that reads `-e /dial …`
      ...(o.dial ? ['module\t\t\tmenu.so'] : []),
      'module_app\t\taccount.so',
      'audio_player\t\tnone',
      'audio_source\t\tnone',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:${o.username}@${o.switchAddress};transport=udp>;auth_pass=${o.password};regint=${o.dial ? 0 : 600}\n`,
    'utf8',
  );
  return new Promise((resolve, reject) => {
    const args = ['-f', dir, '-t', String(o.seconds ?? 3), ...(o.dial ? ['-e', `/dial ${o.dial}`] : [])];
    const p = spawn('baresip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const read = (d: Buffer) => {
      out += d;
      if (o.answered?.test(out)) p.kill('SIGTERM');
    };
    p.stdout.on('data', read);
    p.stderr.on('data', read);
    p.on('error', reject);
    p.on('close', () => resolve(out));
  });
}

/** Installs linphone-cli when running as root; otherwise says what is missing. */
export function ensureLinphone(): void {
  if (spawnSync('linphonec', ['-v'], { encoding: 'utf8' }).error === undefined) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root)
    throw new Error(
      'The softphone tests need linphonec: sudo apt-get install -y --no-install-recommends linphone-cli',
    );
  aptInstall(['linphone-cli']);
}

/**
 * Registers with Linphone's console client as linphoneRegister does, then calls `to` (a SIP URI at
 * the switch): the switch challenges the INVITE (407) and linphonec answers it with the password it
 * registered with. Resolves with what linphonec printed about the call ("Call 1 with … connected."
 * once the carrier answered), after hanging up.
 */
export async function linphoneCall(o: Softphone & { to: string }): Promise<string> {
  let call = '';
  await linphoneRegister({
    ...o,
    then: async (write, until, output) => {
      const mark = output().length;
      write(`call ${o.to}\n`);
      await until(/connected\.|ended|failed|declined|error/i, 5_000, mark);
      call = output().slice(mark);
      write('terminate\n');
      await until(/ended/, 2_000, mark);
    },
  });
  return call;
}

/**
 * Registers with Linphone's console client (linphonec, headless, no sound card): its `register
 * <identity> <proxy> <password>` command, as a person types it. Resolves with what `status register`
 * answered ("registered, identity=…" on success).
 */
export async function linphoneRegister(
  o: Softphone & {
    /** More commands once registered (linphoneCall): `until` waits for `re` in the output after `from`. */
    then?: (
      write: (line: string) => void,
      until: (re: RegExp, ms: number, from: number) => Promise<void>,
      output: () => string,
    ) => Promise<void>;
  },
): Promise<string> {
  const home = mkdtempSync(path.join(o.cwd, 'linphone-'));
  mkdirSync(path.join(home, '.local/share/linphone'), { recursive: true });
  writeFileSync(
    path.join(home, 'linphonerc'),
    `[sip]\nsip_port=${o.localPort}\nsip_tcp_port=0\nsip_tls_port=-1\n`,
  );
  const p = spawn('linphonec', ['-c', path.join(home, 'linphonerc'), '-d', '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const until = async (re: RegExp, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end && !re.test(out);) await wait(50);
  };
  await until(/linphonec> /, 10_000);
  p.stdin.write(`register sip:${o.username}@${o.switchAddress} sip:${o.switchAddress} ${o.password}\n`);
  // Registration takes one round trip on loopback; ask until it is known, for at most 5 s.
  let status = '';
  for (let i = 0; i < 10 && !/registered, identity=/.test(status); i++) {
    await wait(500);
    const mark = out.length;
    p.stdin.write('status register\n');
    await until(/registered[=,]/, 2_000);
    status = out.slice(mark);
  }
  if (o.then) {
    await o.then(
      (line) => p.stdin.write(line),
      async (re, ms, from) => {
        for (const end = Date.now() + ms; Date.now() < end && !re.test(out.slice(from));) await wait(50);
      },
      () => out,
    );
  }
  p.stdin.write('quit\n');
  await Promise.race([new Promise((r) => p.on('close', r)), wait(5_000)]);
  p.kill('SIGKILL');
  return status;
}

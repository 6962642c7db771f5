// Issue 7's benchmark: REGISTERs per second through the reference switch (Kamailio 5.6 + SQLite in WAL
// mode) while Tollgate rotates SIP passwords at the same time, with 0 authentication failures for the
// credentials that were not changed. Baseline: the same REGISTER load with no rotation, in the same
// run, interleaved with the rotating phases (A B A B A B A), because the machine is shared and noisy.
//
// SIPp runs closed-loop (-l BENCH_SIPP_LIMIT calls in flight, each phone's REGISTER → 401 → REGISTER
// with digest → 200), so the figure is what the switch sustains, without overload retransmissions.
// The rotations go through the switch API exactly as Tollgate's client sends them (CONTRACTS §3:
// bearer token, a fresh Idempotency-Key UUID, JSON, a timeout) to credentials of the same account
// that are not in the REGISTER load; after the run, each rotated credential's last password must
// register and its first password must be refused. Correctness, not speed, decides the exit code.
//   npx tsx bench/kamailio-register.bench.ts      (or `npm run bench`)
//   BENCH_REGISTERS=5000 BENCH_ROTATIONS_PER_SEC=100 npx tsx bench/kamailio-register.bench.ts
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReferenceSwitch, type ReferenceSwitch } from '../switch/kamailio/src/launcher';
import {
  ensureSwitchTools,
  freeTcpPort,
  freeUdpPort,
  runSipp,
  sippRegisterArgs,
  sippStat,
  sleep,
  spawnSippLoad,
  writeSippUsers,
} from '../tests/kamailio/harness';
import {
  envInt,
  finishResult,
  latencySummary,
  median,
  round,
  runBench,
  type BenchResult,
} from './harness/report';

const REGISTERS = envInt('BENCH_REGISTERS', 10_000);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const LOAD_USERS = envInt('BENCH_USERS', 500);
const ROTATED_USERS = envInt('BENCH_ROTATED_USERS', 20);
const SIPP_LIMIT = envInt('BENCH_SIPP_LIMIT', 40);
const ROTATIONS_PER_SEC = envInt('BENCH_ROTATIONS_PER_SEC', 50);
const ROTATORS = envInt('BENCH_ROTATORS', 4);
const CHILDREN = envInt('BENCH_KAMAILIO_CHILDREN', 4);
const TOKEN = `bench-token-${randomBytes(12).toString('hex')}`;
const ACCOUNT = 'ACC-B7001';

const pw = () => `Bench-${randomBytes(9).toString('base64url')}`;
const loadUsers = Array.from({ length: LOAD_USERS }, (_, i) => ({
  username: `bench-${String(i + 1).padStart(5, '0')}`,
  password: pw(),
}));
const rotated = Array.from({ length: ROTATED_USERS }, (_, i) => ({
  username: `rotated-${String(i + 1).padStart(3, '0')}`,
  first: pw(),
  last: '',
}));

interface LoadRun {
  calls: number;
  ms: number;
  registrationsPerSec: number;
  sipRequestsPerSec: number;
  successful: number;
  failed: number;
  authFailures: number;
  retransmissions: number;
  exitCode: number | null;
  output: string;
}

/** One closed-loop SIPp run of sipp/register-csv.xml over the load users; counts failures and auth rejections. */
async function registerLoad(sw: ReferenceSwitch, work: string, calls: number, tag: string): Promise<LoadRun> {
  const csv = path.join(work, 'users.csv');
  if (!fs.existsSync(csv)) writeSippUsers(csv, loadUsers);
  const stat = path.join(work, `stat-${tag}.csv`);
  const errors = path.join(work, `errors-${tag}.log`);
  const args = await sippRegisterArgs({
    csv,
    rate: Math.max(1000, SIPP_LIMIT * 200), // the call limit, not the rate, paces the run
    limit: SIPP_LIMIT,
    calls,
    timeout: '300s',
    stat,
    switchAddress: sw.sipAddress,
    extra: ['-fd', '3600', '-trace_err', '-error_file', errors],
  });
  const started = performance.now();
  const { code, output } = await spawnSippLoad(args, work, true);
  const ms = performance.now() - started;
  const col = sippStat(stat);
  const errorText = fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : '';
  // An authentication failure is the final REGISTER answered 401/403 instead of 200.
  const authFailures = (
    errorText.match(/while expecting '200' \(index \d+\), received 'SIP\/2\.0 40[137] /g) ?? []
  ).length;
  const successful = col('SuccessfulCall(C)');
  return {
    calls,
    ms: round(ms, 0),
    registrationsPerSec: round((successful * 1000) / ms, 1),
    sipRequestsPerSec: round((2 * successful * 1000) / ms, 1),
    successful,
    failed: col('FailedCall(C)'),
    authFailures,
    retransmissions: col('Retransmissions(C)'),
    exitCode: code,
    output: code === 0 ? '' : output,
  };
}

/** Every rotation of the run (all rotation phases together). */
const rotationStats = { statuses: {} as Record<string, number>, latencies: [] as number[], activeMs: 0 };

/** Tollgate rotating passwords through the switch API at ~ROTATIONS_PER_SEC, ROTATORS requests at a time. */
function startRotations(sw: ReferenceSwitch) {
  let stopping = false;
  const { statuses, latencies } = rotationStats;
  let count = 0;
  const interval = (1000 * ROTATORS) / ROTATIONS_PER_SEC;
  const started = performance.now();
  const worker = async (w: number) => {
    // Each worker owns its credentials, so each credential's last password is well defined.
    const mine = rotated.filter((_, i) => i % ROTATORS === w);
    for (let i = 0; !stopping && mine.length > 0; i++) {
      const cred = mine[i % mine.length];
      const password = pw();
      const t0 = performance.now();
      let status: string;
      try {
        const res = await fetch(
          `${sw.apiUrl}/v1/sip-credentials/${encodeURIComponent(cred.username)}/password`,
          {
            method: 'PUT',
            headers: {
              Authorization: `Bearer ${TOKEN}`,
              'Idempotency-Key': randomUUID(),
              'Content-Type': 'application/json',
              Accept: 'application/json',
            },
            body: JSON.stringify({ password }),
            signal: AbortSignal.timeout(5_000),
          },
        );
        await res.arrayBuffer();
        status = String(res.status);
        if (res.status === 204) cred.last = password;
      } catch (e) {
        status = `error: ${(e as Error).name}`;
      }
      const took = performance.now() - t0;
      latencies.push(took);
      count++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (interval > took) await sleep(interval - took);
    }
  };
  const done = Promise.all(Array.from({ length: ROTATORS }, (_, w) => worker(w)));
  return {
    async stop(): Promise<{ count: number; perSec: number }> {
      stopping = true;
      await done;
      const ms = performance.now() - started;
      rotationStats.activeMs += ms;
      return { count, perSec: round((count * 1000) / ms, 1) };
    },
  };
}

async function main(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  ensureSwitchTools();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-bench-reg-'));
  const companionLog = path.join(work, 'companion.log');
  console.log(
    `reference switch REGISTER load: ${REGISTERS} registrations per phase over ${LOAD_USERS} phones, SIPp closed loop of ${SIPP_LIMIT}, ` +
      `${CHILDREN} Kamailio workers; rotations ~${ROTATIONS_PER_SEC}/s over ${ROTATED_USERS} other credentials`,
  );
  const sw = await startReferenceSwitch({
    sipPort: await freeUdpPort(),
    httpPort: await freeTcpPort(),
    dataDir: path.join(work, 'switch'),
    token: TOKEN,
    webhookSecret: `bench-webhook-${randomBytes(16).toString('hex')}`,
    eventsUrl: 'http://127.0.0.1:9/api/switch/events', // no fraud in this bench: nothing is sent
    uasAddress: '127.0.0.1:9', // no calls in this bench
    children: CHILDREN,
    log: (line) => fs.appendFileSync(companionLog, `${line}\n`),
    provision: {
      accounts: [
        {
          number: ACCOUNT,
          name: 'Bench PBX farm',
          credentials: [...loadUsers, ...rotated.map((r) => ({ username: r.username, password: r.first }))],
        },
      ],
    },
  });
  try {
    console.log('  warm-up …');
    await registerLoad(sw, work, Math.min(1_000, REGISTERS), 'warmup');
    // Interleaved phases (baseline, rotating, baseline, rotating, …, baseline): each rotating phase is
    // compared with the baselines right before and after it, so load from elsewhere moves both sides.
    const baselines: LoadRun[] = [];
    const rotating: LoadRun[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      baselines.push(await registerLoad(sw, work, REGISTERS, `baseline-${r + 1}`));
      const rotations = startRotations(sw);
      await sleep(200); // rotations are under way when the load starts
      rotating.push(await registerLoad(sw, work, REGISTERS, `rotating-${r + 1}`));
      const rot = await rotations.stop();
      console.log(
        `  round ${r + 1}: baseline ${baselines[r].registrationsPerSec} registrations/s; ` +
          `with rotations ${rotating[r].registrationsPerSec} registrations/s, ${rot.count} rotations (${rot.perSec}/s)`,
      );
    }
    baselines.push(await registerLoad(sw, work, REGISTERS, `baseline-${ROUNDS + 1}`));
    console.log(`  final baseline ${baselines[ROUNDS].registrationsPerSec} registrations/s`);

    // The rotations took effect: the last password registers, the first one is refused.
    const sample = rotated.filter((r) => r.last).slice(0, 3);
    const effective: { username: string; newWorks: boolean; oldRefused: boolean }[] = [];
    for (const r of sample) {
      const fresh = await runSipp({
        scenario: 'register.xml',
        service: r.username,
        username: r.username,
        password: r.last,
        switchAddress: sw.sipAddress,
        cwd: work,
      });
      const old = await runSipp({
        scenario: 'register-rejected.xml',
        service: r.username,
        username: r.username,
        password: r.first,
        switchAddress: sw.sipAddress,
        cwd: work,
      });
      effective.push({ username: r.username, newWorks: fresh.code === 0, oldRefused: old.code === 0 });
    }

    // A 200 is a real binding: the switch API lists it from Kamailio's location table.
    const bindings = await fetch(`${sw.apiUrl}/v1/sip-credentials/${loadUsers[0].username}/registrations`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const bound = ((await bindings.json()) as { registrations?: unknown[] }).registrations?.length ?? 0;

    const overall = (runs: LoadRun[]) =>
      round((runs.reduce((a, r) => a + r.successful, 0) * 1000) / runs.reduce((a, r) => a + r.ms, 0), 1);
    const sumOf = (runs: LoadRun[], k: 'authFailures' | 'failed' | 'retransmissions') =>
      runs.reduce((a, r) => a + r[k], 0);
    const baseline = overall(baselines);
    const withRotation = overall(rotating);
    const ratio = round(withRotation / baseline, 4);
    const roundRatios = rotating.map((r, i) =>
      round(
        r.registrationsPerSec /
          ((baselines[i].registrationsPerSec + baselines[i + 1].registrationsPerSec) / 2),
        4,
      ),
    );
    const rotationsTotal = rotationStats.latencies.length;
    const rotationsPerSec = round((rotationsTotal * 1000) / rotationStats.activeMs, 1);
    const rotationLatency = latencySummary(rotationStats.latencies);
    const phases = [
      ...baselines.map((p, i) => ({ name: `baseline ${i + 1}`, p })),
      ...rotating.map((p, i) => ({ name: `rotating ${i + 1}`, p })),
    ];
    const checks = [
      ...phases.map(({ name, p }) => ({
        name: `${name}: every REGISTER of an unchanged credential succeeded`,
        ok: p.exitCode === 0 && p.successful === p.calls && p.failed === 0 && p.authFailures === 0,
        detail: `${p.successful}/${p.calls} registered, ${p.failed} failed, ${p.authFailures} authentication failures, SIPp exit ${p.exitCode}`,
      })),
      {
        name: 'a load phone is bound in the location table',
        ok: bound >= 1,
        detail: `${loadUsers[0].username}: ${bound} binding(s)`,
      },
      {
        name: 'every rotation confirmed (204)',
        ok: rotationsTotal > 0 && rotationStats.statuses['204'] === rotationsTotal,
        detail: JSON.stringify(rotationStats.statuses),
      },
      {
        name: 'rotations took effect (new password 200, old one 401)',
        ok: sample.length > 0 && effective.every((e) => e.newWorks && e.oldRefused),
        detail: effective
          .map(
            (e) =>
              `${e.username}: new ${e.newWorks ? '200' : 'FAILED'}, old ${e.oldRefused ? 'refused' : 'ACCEPTED'}`,
          )
          .join('; '),
      },
    ];
    return finishResult(
      startedAt,
      'kamailio-register',
      'REGISTERs per second through the reference switch while Tollgate rotates passwords (issue 7)',
      {
        params: {
          registrationsPerPhase: REGISTERS,
          loadUsers: LOAD_USERS,
          rotatedUsers: ROTATED_USERS,
          sippCallLimit: SIPP_LIMIT,
          rotationTargetPerSec: ROTATIONS_PER_SEC,
          rotators: ROTATORS,
          kamailioChildren: CHILDREN,
          rounds: ROUNDS,
          baseline:
            'the same REGISTER load without rotation, interleaved: before, between and after the rotating phases',
        },
        checks,
        summary: {
          'with rotation': `${withRotation} registrations/s (${round(2 * withRotation, 1)} REGISTER requests/s incl. the challenged ones)`,
          baseline: `${baseline} registrations/s`,
          ratio: `${round(ratio * 100, 1)} % of the baseline (median of the rounds' ratios ${round(median(roundRatios) * 100, 1)} %)`,
          rounds: `baseline ${baselines.map((b) => b.registrationsPerSec).join(' / ')}; rotating ${rotating.map((b) => b.registrationsPerSec).join(' / ')}`,
          rotations: `${rotationsTotal} confirmed at ${rotationsPerSec}/s (p50 ${rotationLatency.p50} ms, p95 ${rotationLatency.p95} ms)`,
          'auth failures': `${sumOf(rotating, 'authFailures')} for unchanged credentials during rotation (${sumOf(rotating, 'failed')} failed REGISTERs; baseline ${sumOf(baselines, 'authFailures')})`,
          retransmissions: `${sumOf(rotating, 'retransmissions')} during rotation (baseline ${sumOf(baselines, 'retransmissions')})`,
        },
        data: {
          registrationsPerSec: withRotation,
          baselineRegistrationsPerSec: baseline,
          ratio,
          roundRatios,
          baselines,
          rotating,
          rotations: {
            total: rotationsTotal,
            perSec: rotationsPerSec,
            statuses: rotationStats.statuses,
            latencyMs: rotationLatency,
          },
          effective,
          boundContactsOfOnePhone: bound,
        },
      },
    );
  } finally {
    await sw.stop();
    if (!process.env.KEEP_BENCH_DATA) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`  switch data kept in ${work}`);
  }
}

runBench(main);

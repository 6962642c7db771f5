import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '@/lib/server/rate-limit';
import { CHECK_COST, checkCost, checkPassword, MAX_IN_FLIGHT } from '@/lib/passwords/check';
import { generatePassword } from '@/lib/passwords/generate';
import { contextWords } from '@/lib/passwords/words';
import { assessPassword, MAX_LENGTH } from '@/lib/passwords/strength';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// The server scores candidate passwords in a piscina worker thread (lib/passwords/zxcvbn-worker.mjs),
// bounded by length, a deadline and per-user / per-address rate limits (issue 14, goal 7).

/** zxcvbn's l33t matcher takes about half a second on this (seconds without the pruned dictionary matcher): every character is a look-alike of a letter. */
const WORST_CASE = '4@8(6[9{3&#!1|0$5+7%2<'.repeat(3).slice(0, 64);
/** A candidate with a look-alike symbol ("+" reads as t): it spends what a costly one does (CHECK_COST). */
const COSTLY = 'Kettle+Harbor+91';
const SIP = { userInputs: ['ACC-1001', 'Acme Dental'], username: 'acme-reception', sipMinGuessesLog10: 18 };
/**
 * A deadline for the checks whose subject is the verdict, not the deadline: a scoring thread runs at
 * nice +19, so on a busy machine its start-up (loading zxcvbn's dictionaries) can outlast the 2 s default.
 */
const PATIENT_MS = 60_000;
const who = () => ({
  userId: crypto.randomUUID(),
  ip: `2001:db8:${crypto.randomBytes(2).toString('hex')}::1`,
});

describe.each(dialects())('password checks off the request thread, %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('gives the same verdict as scoring on the calling thread', async () => {
    for (const password of [
      generatePassword(),
      'Kettle-Harbor-91',
      'acme-dental-2024!',
      'Correct Horse Battery Staple',
    ]) {
      const r = await checkPassword(password, SIP, who(), PATIENT_MS);
      expect(r).toEqual({ ok: true, assessment: assessPassword(password, SIP) });
    }
    const portal = { userInputs: ['dana@acme.example'], minScore: 3 };
    // The last two are scored with the Spanish word lists (lib/passwords/dictionaries.mjs): zxcvbn
    // alone gives "Contraseña2024" a 4, with the lists a 3, so a thread without them would differ.
    for (const password of ['dana-acme-password', 'Contraseña2024', 'Madrugada.Goicoechea']) {
      expect(await checkPassword(password, portal, who(), PATIENT_MS)).toEqual({
        ok: true,
        assessment: assessPassword(password, portal),
      });
    }
  });

  it('keeps the event loop running while a worst-case password is scored, and stops it at the deadline', async () => {
    // The deadline is a third of what the scoring thread itself took for this password, warm (the
    // fastest of three patient checks), so no machine meets it: a fixed 150 ms was met once on a fast
    // one (CI59: a warm thread scores it in 120–145 ms there; the calling thread would take 2 s). The
    // machine is shared, so a check can still run faster than the ones measured (stop 42: one slow
    // measurement, then a quick check): a check that beats its deadline is tried again with half.
    await checkPassword(WORST_CASE, SIP, who(), PATIENT_MS);
    let fastest = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      expect((await checkPassword(WORST_CASE, SIP, who(), PATIENT_MS)).ok).toBe(true);
      fastest = Math.min(fastest, performance.now() - started);
    }
    let deadline = Math.max(5, Math.floor(fastest / 3));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let r = await checkPassword(WORST_CASE, SIP, who(), deadline);
    for (let retry = 0; retry < 3 && r.ok; retry++) {
      deadline = Math.max(5, Math.floor(deadline / 2));
      r = await checkPassword(WORST_CASE, SIP, who(), deadline);
    }
    clearInterval(timer);
    expect(r).toMatchObject({ ok: false, kind: 'timeout', note: { key: 'outcome.password.checkTimeout' } });
    // On the calling thread zxcvbn would have blocked every timer until it finished.
    expect(ticks).toBeGreaterThan(2);
    // The stopped thread is replaced: the next check is scored. Drawn as the reset form draws, avoiding
    // the account's words: a draw holding "ACMe" (about 1 in 5 000) is refused for containing "acme".
    const drawn = generatePassword(undefined, false, contextWords([...SIP.userInputs, SIP.username]));
    expect(await checkPassword(drawn, SIP, who(), PATIENT_MS)).toMatchObject({
      ok: true,
      assessment: { acceptable: true },
    });
  });

  // CI185: a new thread's start (zxcvbn and the word lists loaded at nice +19, beside a build) passed the
  // 5 s deadline, and the file's first check was refused as "took too long". The deadline now counts
  // from the thread's message that it began scoring (withScoringDeadline, below in isolation); here,
  // the real thread: a new pool's first check, and the first after a thread was stopped, are scored.
  it("scores a new pool's first check, and the first after a thread was stopped", async () => {
    const g = globalThis as { __tollgatePasswordPool?: { destroy(): Promise<void> } };
    await g.__tollgatePasswordPool?.destroy();
    delete g.__tollgatePasswordPool;
    expect(await checkPassword('Kettle-Harbor-91', SIP, who())).toMatchObject({ ok: true });
    let r = await checkPassword(WORST_CASE, SIP, who(), 5);
    for (let retry = 0; retry < 3 && r.ok; retry++) r = await checkPassword(WORST_CASE, SIP, who(), 1);
    expect(r).toMatchObject({ ok: false, kind: 'timeout' });
    expect(await checkPassword('Kettle-Harbor-91', SIP, who())).toMatchObject({ ok: true });
  });

  // The review of 263291b: piscina's maxQueue never refused a check (it does not count tasks carrying an
  // abort signal, and every check carries one). The checks in flight are counted on the pool.
  it('refuses a check at once while MAX_IN_FLIGHT checks are in flight, and counts each back out', async () => {
    const g = globalThis as { __tollgatePasswordPool?: Record<symbol, number | undefined> };
    const IN_FLIGHT = Symbol.for('tollgate.passwordChecksInFlight');
    await checkPassword('Kettle-Harbor-91', SIP, who(), PATIENT_MS);
    const pool = g.__tollgatePasswordPool!;
    expect(pool[IN_FLIGHT]).toBe(0);
    pool[IN_FLIGHT] = MAX_IN_FLIGHT;
    expect(await checkPassword('Kettle-Harbor-91', SIP, who(), PATIENT_MS)).toMatchObject({
      ok: false,
      kind: 'timeout',
    });
    expect(pool[IN_FLIGHT]).toBe(MAX_IN_FLIGHT);
    pool[IN_FLIGHT] = MAX_IN_FLIGHT - 1;
    expect((await checkPassword('Kettle-Harbor-91', SIP, who(), PATIENT_MS)).ok).toBe(true);
    expect(pool[IN_FLIGHT]).toBe(MAX_IN_FLIGHT - 1);
    pool[IN_FLIGHT] = 0;
    // A check stopped at its deadline is counted out too.
    expect(await checkPassword(WORST_CASE, SIP, who(), 1)).toMatchObject({ ok: false, kind: 'timeout' });
    expect(pool[IN_FLIGHT]).toBe(0);
  });

  // Review 12: a second copy of the module (another server bundle, a test file's fresh module
  // registry) used to start a pool of its own, whose thread nothing ended.
  it('keeps one scoring pool per process, shared by a second copy of the module', async () => {
    const g = globalThis as { __tollgatePasswordPool?: unknown };
    await checkPassword(generatePassword(), SIP, who(), PATIENT_MS);
    const pool = g.__tollgatePasswordPool;
    expect(pool).toBeDefined();
    vi.resetModules();
    const again = await import('@/lib/passwords/check');
    expect(again.checkPassword).not.toBe(checkPassword);
    expect((await again.checkPassword(generatePassword(), SIP, who(), PATIENT_MS)).ok).toBe(true);
    expect(g.__tollgatePasswordPool).toBe(pool);
  });

  it('refuses an over-long password without scoring it or spending a check', async () => {
    const me = who();
    expect(await checkPassword('x'.repeat(MAX_LENGTH + 1), SIP, me)).toEqual({
      ok: false,
      kind: 'too_long',
      note: { key: 'password.problem.tooLong', values: { max: MAX_LENGTH } },
    });
    for (let i = 0; i < LIMITS.passwordCheckUser.points / CHECK_COST.costly; i++)
      expect((await checkPassword(COSTLY, SIP, me, PATIENT_MS)).ok).toBe(true);
  });

  // A PBX owner rotating 45 credentials with generated passwords in one sitting was refused at the
  // 31st check (tester, 2026-12-08). The limit is for costly candidates (goal 7): one of letters,
  // digits and -_. is scored in milliseconds, and spends a tenth of what one with look-alike symbols does.
  it('spends 1 point for a candidate of letters, digits and -_. (every generated one), 10 for any other', async () => {
    expect(checkCost(generatePassword())).toBe(CHECK_COST.cheap);
    expect(checkCost(generatePassword(64, true))).toBe(CHECK_COST.cheap);
    expect(checkCost('Kettle-Harbor-91')).toBe(CHECK_COST.cheap); // letters, digits and "-" only
    expect(checkCost(COSTLY)).toBe(CHECK_COST.costly);
    expect(checkCost(WORST_CASE)).toBe(CHECK_COST.costly);
    expect(checkCost('Acme-reception-2026!')).toBe(CHECK_COST.costly);
    expect(checkCost('a'.repeat(65))).toBe(CHECK_COST.costly); // longer than any generated password
    const me = who();
    // 45 credentials rotated twice in a quarter of an hour: 90 checks, 90 points.
    for (let i = 0; i < 90; i++)
      expect((await checkPassword(generatePassword(), SIP, me, PATIENT_MS)).ok).toBe(true);
    // The costly candidates the limit is for stay bounded: 21 more fill the 300 points, the next is refused.
    for (let i = 0; i < 21; i++) expect((await checkPassword(COSTLY, SIP, me, PATIENT_MS)).ok).toBe(true);
    expect(await checkPassword(COSTLY, SIP, me)).toMatchObject({ ok: false, kind: 'throttled' });
  });

  it('limits checks per user, and per address whoever asks', async () => {
    const me = who();
    expect(LIMITS.passwordCheckUser.points / CHECK_COST.costly).toBe(30);
    for (let i = 0; i < LIMITS.passwordCheckUser.points / CHECK_COST.costly; i++)
      expect((await checkPassword(COSTLY, SIP, me, PATIENT_MS)).ok).toBe(true);
    expect(await checkPassword(generatePassword(), SIP, me)).toMatchObject({ ok: false, kind: 'throttled' });
    // Another user is not held back by this one.
    expect((await checkPassword(generatePassword(), SIP, who(), PATIENT_MS)).ok).toBe(true);

    const ip = who().ip; // its own address (the limiters outlive a dialect's database in one test process)
    for (let i = 0; i < LIMITS.passwordCheckAddress.points / CHECK_COST.costly; i++)
      expect(await checkPassword(COSTLY, SIP, { userId: `u${i}`, ip }, PATIENT_MS)).toMatchObject({
        ok: true,
      });
    expect(await checkPassword(generatePassword(), SIP, { userId: 'someone-new', ip })).toMatchObject({
      ok: false,
      kind: 'throttled',
    });
  });
});

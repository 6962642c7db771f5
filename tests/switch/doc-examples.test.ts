import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registrationsBodySchema, switchAccountSchema } from '@/lib/switch/schemas';
import { demoSimPerFile, TOKEN, type TestSim } from './sim-fixture';

// docs/switch-api.md part 1 is what a switch vendor copies: every `curl` example there must work as
// written against the reference (the simulator), and each JSON answer shown must be one the portal
// reads. Until 2026-12-02 the allowance example's `until` lay in the past (422 until_in_past) and the
// DELETE had no example and was said to need no key (the simulator answers 400 idempotency_key_missing).

let sim: TestSim;
demoSimPerFile((s) => (sim = s));

const doc = readFileSync(join(__dirname, '../../docs/switch-api.md'), 'utf8');
const part1 = doc.slice(doc.indexOf('## Part 1'), doc.indexOf('## Part 2'));
const blocks = (lang: string) =>
  [...part1.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const curlExamples = blocks('sh').filter((b) => b.includes('$SWITCH'));

/**
 * Runs one example in bash, verbatim, with curl made to print the status on a last line of its own.
 * Asynchronous: the simulator answers from this same process.
 */
async function run(example: string): Promise<{ status: number; body: string }> {
  const script = [
    `curl() { command curl -w '\\n%{http_code}' "$@"; }`,
    'command -v uuidgen >/dev/null || uuidgen() { cat /proc/sys/kernel/random/uuid; }',
    example,
  ].join('\n');
  const { stdout: out } = await promisify(execFile)(
    'bash',
    ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script],
    {
      env: { PATH: process.env.PATH, SWITCH: sim.url, TOKEN } as unknown as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  const lines = out.trimEnd().split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

describe('docs/switch-api.md part 1 examples, run as written against the simulator', () => {
  it('finds the six calls', () => {
    const calls = curlExamples.map((e) => /-X (\w+)/.exec(e)?.[1] ?? 'GET');
    expect(calls.sort()).toEqual(['DELETE', 'GET', 'GET', 'PUT', 'PUT', 'PUT']);
  });

  it.each(
    curlExamples.map((e) => [
      e
        .split('\n')
        .find((l) => l.includes('$SWITCH'))!
        .trim(),
      e,
    ]),
  )('%s', async (_, example) => {
    const { status, body } = await run(example);
    expect([200, 204], body).toContain(status);
    if (example.includes('/registrations'))
      expect(registrationsBodySchema.parse(JSON.parse(body))).toBeTruthy();
    else if (/\/v1\/accounts\/ACC-1001"/.test(example) || example.includes('international-calling'))
      expect(switchAccountSchema.safeParse(JSON.parse(body)).success, body).toBe(true);
  });

  it('shows answers the portal reads', () => {
    const answers = blocks('json').filter(
      (b) => b.startsWith('{"accountNumber"') && b.includes('internationalCalling'),
    );
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) expect(switchAccountSchema.safeParse(JSON.parse(a)).success, a).toBe(true);
    const regs = blocks('json').filter((b) => b.startsWith('{"registrations"'));
    for (const r of regs) expect(registrationsBodySchema.safeParse(JSON.parse(r)).success, r).toBe(true);
  });

  it('refuses a DELETE without its key, as the docs now say', async () => {
    const example = curlExamples.find((e) => e.includes('-X DELETE'))!;
    expect(example).toContain(' -H "Idempotency-Key: $(uuidgen)"');
    const { status, body } = await run(example.replace(' -H "Idempotency-Key: $(uuidgen)"', ''));
    expect(status).toBe(400);
    expect(JSON.parse(body).error.code).toBe('idempotency_key_missing');
  });
});

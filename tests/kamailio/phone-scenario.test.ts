// The phone's call scenario (switch/kamailio/sipp/call.xml) against answers the reference switch can
// give it: SIPp on both ends, no switch in between, so the order of the answers is the test's own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureSwitchTools, runSipp, startUas } from './harness';

let work: string;

beforeAll(() => {
  ensureSwitchTools();
  work = mkdtempSync(path.join(os.tmpdir(), 'tollgate-phone-scenario-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a 180 that arrives after the 200 does not stop the call from ending with its BYE', async () => {
  // The reference switch relays the carrier's answers from several UDP workers, so a 180 can reach
  // the phone after the 200, in the pause before its BYE (the CI44 e2e failure): the phone went back
  // to waiting for a 200, timed out and sent a BYE of its own outside the dialog.
  const uas = await startUas(
    work,
    '127.0.0.1',
    path.join(import.meta.dirname, 'scenarios/late-ringing-uas.xml'),
  );
  try {
    const r = await runSipp({
      scenario: 'call.xml',
      service: '442079460000',
      username: 'late-phone',
      password: 'Late-phone-pw-1',
      switchAddress: uas.address,
      cwd: work,
    });
    expect(r.code, r.output).toBe(0);
    expect(uas.invites()).toHaveLength(2);
  } finally {
    await uas.stop();
  }
});

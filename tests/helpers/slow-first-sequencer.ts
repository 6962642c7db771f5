import path from 'node:path';
import { shuffle } from '@vitest/utils/helpers';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (measured on the 2-core machine, `CI=true npm test`,
 * 2026-11-30, seconds per file for both databases). Vitest orders files by the durations it cached on
 * an earlier run; a fresh checkout (CI) has no cache, so it orders by file size, and the longest file
 * (a short file driving a long model test) used to start last, leaving one worker idle meanwhile.
 */
const SLOW_FIRST = [
  'tests/integration/truth-model.test.ts', // 144 s before issue 11's cut, ~100 s after, ~56 s at 30 schedules
  'tests/integration/demo-and-admin.test.ts', // 39 s
  'tests/integration/mail-links.test.ts', // 35 s
  'tests/kamailio/softphones.test.ts', // 88 s before issue 11's cut, ~33 s after
  'tests/integration/switch-outbox.test.ts', // 25 s
  'tests/integration/admin-cli.test.ts', // 17 s (2026-12-05): a CLI process per step
  'tests/integration/sip-password-intent.test.ts', // 16 s
  'tests/kamailio/reference-switch.test.ts', // 13 s
  'tests/integration/block-truth.test.ts', // 11 s
];

/**
 * Vitest's own order (cached durations, else size), with the known slow files moved to the front in
 * the order above, so that two workers finish close together. Used by vitest.config.ts.
 *
 * `TEST_SHUFFLE_SEED=<integer>` runs the files in a random order drawn from that seed instead (the same
 * seed, the same order), to check that no file depends on what ran before it in a shared worker
 * (vitest.config.ts, project `shared`). Vitest's own `--sequence.shuffle` shuffles only the tests
 * inside each file when a config names its sequencer, as this one does.
 */
export default class SlowFirstSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seed = process.env.TEST_SHUFFLE_SEED;
    if (seed) {
      if (!/^\d+$/.test(seed)) throw new Error(`TEST_SHUFFLE_SEED must be a whole number, not "${seed}"`);
      return shuffle([...files], Number(seed));
    }
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(
        path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'),
      );
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: files outside the list keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

import { describe, expect, it, vi } from 'vitest';

// The server scores passwords in a worker thread (lib/passwords/check.ts, issue 14 goal 7); its request
// thread only judges the estimate. zxcvbn with its dictionaries and the Spanish lists took about 0.2 s of
// a core to load, once per process, on the request thread, for nothing, while check.ts reached the rules
// through lib/passwords/strength.ts. Any import of zxcvbn from check.ts's graph now fails the import.
vi.mock('zxcvbn', () => {
  throw new Error('zxcvbn was loaded on the request thread');
});
vi.mock('@/lib/passwords/dictionaries.mjs', () => {
  throw new Error('the Spanish word lists were loaded on the request thread');
});

describe("the server's password check on the request thread", () => {
  it('loads neither zxcvbn nor the word lists, and still judges an estimate', async () => {
    const check = await import('@/lib/passwords/check');
    const { judgePassword } = await import('@/lib/passwords/rules');
    expect(typeof check.checkPassword).toBe('function');
    const verdict = judgePassword(
      'correct horse battery staple',
      { userInputs: [], minScore: 3 },
      {
        score: 4,
        guesses_log10: 14,
        crack_times_seconds: {
          offline_fast_hashing_1e10_per_second: 1e4,
          offline_slow_hashing_1e4_per_second: 1e10,
        },
        feedback: { warning: '', suggestions: [] },
      },
    );
    expect(verdict).toMatchObject({ acceptable: true, score: 4, level: 4 });
  });
});

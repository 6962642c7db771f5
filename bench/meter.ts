// Meter cost per keystroke: zxcvbn (via the shared assessPassword) on every prefix while a password is
// typed, for 8-, 24- and 64-character inputs. The baseline, measured in the same run, is the
// 8-character input: longer inputs are reported as a ratio of it. The browser runs the same code in
// a Web Worker, so this is the work that leaves the main thread.
import { generatePassword } from '../lib/passwords/generate';
import { assessPassword } from '../lib/passwords/strength';
import { summarize, writeResult } from './lib';

const ctx = {
  userInputs: ['ACC-1001', 'Acme Dental', 'acme-reception', 'dana@acme.example'],
  username: 'acme-reception',
  minScore: 3,
};

function typing(password: string): number[] {
  const out: number[] = [];
  for (let i = 1; i <= password.length; i++) {
    const t = performance.now();
    assessPassword(password.slice(0, i), ctx);
    out.push(performance.now() - t);
  }
  return out;
}

export async function run() {
  assessPassword('warm up the estimator', ctx); // the first call pays zxcvbn's dictionary set-up
  const rounds = 20;
  const byLength: Record<string, ReturnType<typeof summarize>> = {};
  for (const len of [8, 24, 64]) {
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++)
      samples.push(...typing(generatePassword(Math.max(16, len)).slice(0, len)));
    byLength[len] = summarize(samples);
  }
  const result = {
    unit: 'ms per keystroke (every prefix of a random password, 20 passwords per length)',
    byLength,
    ratioToEightChars: {
      24: +(byLength[24].p50 / byLength[8].p50).toFixed(2),
      64: +(byLength[64].p50 / byLength[8].p50).toFixed(2),
    },
  };
  writeResult('meter', result);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) void run();

// The estimator runs off the main thread: typing never waits for zxcvbn.
import { installPrunedDictionaryMatch } from '@/lib/passwords/dictionary-match.mjs';
import { assessPassword, type PasswordRule } from '@/lib/passwords/strength';

// The same verdicts with a fraction of zxcvbn's dictionary lookups (lib/passwords/dictionary-match.mjs).
installPrunedDictionaryMatch();

type Request = { id: number; password: string; userInputs: string[]; username: string; rule: PasswordRule };

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, password, userInputs, username, rule } = e.data;
  const started = performance.now();
  const assessment = assessPassword(password, { userInputs, username, ...rule });
  self.postMessage({ id, assessment, ms: performance.now() - started });
};

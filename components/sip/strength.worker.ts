// The estimator runs off the main thread: typing never waits for zxcvbn.
import { assessPassword, type PasswordRule } from '@/lib/passwords/strength';

type Request = { id: number; password: string; userInputs: string[]; username: string; rule: PasswordRule };

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, password, userInputs, username, rule } = e.data;
  const started = performance.now();
  const assessment = assessPassword(password, { userInputs, username, ...rule });
  self.postMessage({ id, assessment, ms: performance.now() - started });
};

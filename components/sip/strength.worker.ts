// The estimator runs off the main thread: typing never waits for zxcvbn.
import { assessPassword } from '@/lib/passwords/strength';

type Request = { id: number; password: string; userInputs: string[]; username: string; minScore: number };

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, password, userInputs, username, minScore } = e.data;
  const started = performance.now();
  const assessment = assessPassword(password, { userInputs, username, minScore });
  self.postMessage({ id, assessment, ms: performance.now() - started });
};

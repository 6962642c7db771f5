import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full garbage collection every `everyMs` milliseconds (default 20) until the returned
 * function is called: for tests of what must still work after the collector has run, such as a
 * request's abort signal (lib/server/request-deadline.ts). Works without `node --expose-gc`: the flag
 * is set at run time and `gc` read from a fresh context, where V8 then installs it.
 */
export function collectGarbageOften(everyMs = 20): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const timer = setInterval(gc, everyMs);
  return () => clearInterval(timer);
}

import { decode, encode } from 'next-auth/jwt';
import { afterEach, describe, expect, it } from 'vitest';
import { authSecrets } from '@/lib/auth/session-token';

// Rotating AUTH_SECRET over several instances, one restart at a time (docs/operations.md, "Rotating
// secrets"). Auth.js re-issues the session cookie on the requests an instance serves, signed with the
// first of authSecrets(); the next request may reach another instance, which must read it. Seen in the
// ops lab (scripts/ops-lab/rotate-auth-secret.sh): with the order the docs gave until 2026-12-03 (new
// secret first on one instance) a browser signed in there was signed out by the instance not yet
// restarted. The order now: every instance accepts the new secret (step 1) before any signs with it (step 2).
const OLD = 'old-auth-secret-old-auth-secret-0123456789';
const NEW = 'new-auth-secret-new-auth-secret-0123456789';
const SALT = 'authjs.session-token';
const saved = { current: process.env.AUTH_SECRET, previous: process.env.AUTH_SECRET_PREVIOUS };

/** The secrets of an instance configured with `current` and `previous` (undefined: unset). */
function instance(current: string, previous?: string) {
  process.env.AUTH_SECRET = current;
  if (previous) process.env.AUTH_SECRET_PREVIOUS = previous;
  else delete process.env.AUTH_SECRET_PREVIOUS;
  return authSecrets();
}
const cookieOf = (secret: string | string[]) =>
  encode({ token: { sub: 'u1', sid: 's1' }, secret, salt: SALT, maxAge: 3600 });
const reads = async (secret: string | string[], token: string) =>
  (await decode({ token, secret, salt: SALT }).catch(() => null))?.sid === 's1';

describe('rolling an AUTH_SECRET rotation over two instances', () => {
  afterEach(() => {
    instance(saved.current ?? OLD, saved.previous);
  });

  const before = () => instance(OLD);
  const step1 = () => instance(OLD, NEW); // accepts the new secret, signs with the old one
  const step2 = () => instance(NEW, OLD); // signs with the new secret, accepts the old one
  const done = () => instance(NEW);

  it('each pair of neighbouring steps reads the cookies the other signs', async () => {
    for (const [a, b] of [
      [before, step1],
      [step1, step2],
      [step2, done],
    ]) {
      expect(await reads(b(), await cookieOf(a()))).toBe(true);
      expect(await reads(a(), await cookieOf(b()))).toBe(true);
    }
  });

  it('an instance not yet at step 1 cannot read what a step-2 instance signs: step 1 goes everywhere first', async () => {
    expect(await reads(before(), await cookieOf(step2()))).toBe(false);
  });
});

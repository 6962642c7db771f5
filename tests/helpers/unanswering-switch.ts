import type { SwitchClient } from '@/lib/switch/client';

/**
 * A switch client whose every call is answered `unavailable` (as a switch down, or past the client's
 * timeout), noting each one as "<method> <first argument>" in `calls`, in order. For tests of what the
 * workers start and leave due, never of what a switch answers.
 */
export function unansweringSwitch(message = 'test: not answered'): { client: SwitchClient; calls: string[] } {
  const calls: string[] = [];
  const client = new Proxy({} as SwitchClient, {
    get:
      (_t, name) =>
      async (...args: unknown[]) => {
        calls.push(`${String(name)} ${String(args[0])}`);
        return { ok: false, kind: 'unavailable', code: null, message };
      },
  });
  return { client, calls };
}

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionState } from '@/lib/server/safe-action';

// components/time-zone-capture.tsx marks the browser's zone as reported in sessionStorage, which
// lives as long as the tab, across sign-out and sign-in. Review 13: the mark must say that the server
// answered for this user, or a report is lost (another login on the same tab, an answer that found no
// session). The component runs here as a function: its effect runs at once (React's useEffect is
// replaced), Node has no Worker (so the zone is read on the "main thread") and no sessionStorage
// (a Map stands in for it).

const router = { refresh: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));
vi.mock('react', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  useEffect: (effect: () => void) => {
    effect();
  },
}));

const { TimeZoneCapture } = await import('@/components/time-zone-capture');

const BROWSER_ZONE = 'America/Mexico_City';
const store = new Map<string, string>();
const sessionStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
  clear: () => store.clear(),
};

type Answer = ActionState | Error;
/** A server action that answers each call with the next of `answers` (an Error: the request failed). */
function actionAnswering(...answers: Answer[]) {
  return vi.fn(async (_prev: ActionState | undefined, form: FormData): Promise<ActionState> => {
    expect(form.get('tz')).toBe(BROWSER_ZONE);
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    return a;
  });
}

/** One page of `userId` (whose stored zone is `stored`) in the same tab: the capture runs, its answer arrives. */
async function page(action: ReturnType<typeof actionAnswering>, userId: string, stored = 'UTC') {
  // The prop `userId` is what the fix adds; main's component ignores it.
  TimeZoneCapture({ stored, action, userId } as Parameters<typeof TimeZoneCapture>[0]);
  await new Promise((r) => setTimeout(r, 0));
}

describe('TimeZoneCapture: what marks the zone as reported', () => {
  beforeEach(() => {
    store.clear();
    router.refresh.mockClear();
    vi.stubGlobal('sessionStorage', sessionStorage);
    const real = Intl.DateTimeFormat;
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(((...args: []) =>
      args.length > 0
        ? new real(...args)
        : { resolvedOptions: () => ({ timeZone: BROWSER_ZONE }) }) as unknown as typeof Intl.DateTimeFormat);
    return () => vi.unstubAllGlobals();
  });

  it('an adopted zone refreshes the page and is not sent again by the next page', async () => {
    const action = actionAnswering({ ok: true });
    await page(action, 'u1');
    expect(router.refresh).toHaveBeenCalledTimes(1);
    await page(action, 'u1');
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('a refusal (a zone chosen in the profile) is not sent again on every page', async () => {
    const action = actionAnswering({ ok: false, values: {} });
    await page(action, 'u1', 'Europe/Paris');
    await page(action, 'u1', 'Europe/Paris');
    expect(action).toHaveBeenCalledTimes(1);
    expect(router.refresh).not.toHaveBeenCalled();
  });

  it('a report that got no answer is sent again by the next page', async () => {
    const action = actionAnswering(new TypeError('Failed to fetch'), { ok: true });
    await page(action, 'u1');
    await page(action, 'u1');
    expect(action).toHaveBeenCalledTimes(2);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it('an answer that found no signed-in user does not mark the zone as reported', async () => {
    // The session ended between the page and the report (signed out in another tab, expired): the
    // wrapper answers with a message and no `ok`; nothing was written for anyone.
    const action = actionAnswering({ message: 'Your session has ended. Sign in again.' }, { ok: true });
    await page(action, 'u1');
    await page(action, 'u1'); // signed in again, same tab
    expect(action).toHaveBeenCalledTimes(2);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it('another login on the same tab gets its zone reported', async () => {
    // The first login chose Paris in the profile, so the server kept it (a refusal); it signs out and
    // a second login, whose zone still follows the browser, signs in on the same tab.
    const action = actionAnswering({ ok: false, values: {} }, { ok: true });
    await page(action, 'first', 'Europe/Paris');
    await page(action, 'second', 'UTC');
    expect(action).toHaveBeenCalledTimes(2);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });
});

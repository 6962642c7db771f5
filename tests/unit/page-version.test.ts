import { describe, expect, it } from 'vitest';
import { pageChanged, watchedCheck } from '@/components/refresh-loop';
import { versionOf } from '@/lib/server/version';
import { changeSentence, queueChange } from '@/components/staff/queue-change';
import { translate } from '@/lib/i18n/translate';

// An open page's watch (components/auto-refresh.tsx): the fingerprint of its data, and the question
// the browser asks instead of rendering the page again.

describe('versionOf', () => {
  it('is equal for equal data and differs for any changed value, dates and bigints included', () => {
    const at = new Date('2026-12-04T10:00:00Z');
    const data = { status: 'active', at, calls: [{ to: '+252611234567', n: 3n }] };
    const v = versionOf(data);
    expect(v).toMatch(/^[\w-]{22}$/);
    expect(versionOf(structuredClone(data))).toBe(v);
    expect(versionOf({ ...data, status: 'lifted' })).not.toBe(v);
    expect(versionOf({ ...data, at: new Date(at.getTime() + 1) })).not.toBe(v);
    expect(versionOf({ ...data, calls: [{ to: '+252611234567', n: 4n }] })).not.toBe(v);
    expect(versionOf(null)).not.toBe(versionOf([]));
  });
});

describe('pageChanged', () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

  it('re-renders for another version, and for a refusal or an answer that is not a version', async () => {
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(200, { version: 'v1' }))).toBe(false);
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(200, { version: 'v2' }))).toBe(true);
    // Signed out, or no longer the caller's: the page's own render says so (sign-in, not found).
    expect(await pageChanged('/api/version/dashboard', 'v1', answering(401, { error: 'unauthorized' }))).toBe(
      true,
    );
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(404, { error: 'not_found' }))).toBe(
      true,
    );
    // A server that cannot answer now (a database outage, a restart): ask again, keep the page shown.
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(500, { error: 'x' }))).toBe(false);
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(502, 'Bad gateway'))).toBe(false);
    expect(await pageChanged('/api/version/blocks/x', 'v1', answering(200, 'not json'))).toBe(true);
  });

  it('waits for the next check when the server cannot be reached, and never reads a cached answer', async () => {
    const seen: RequestInit[] = [];
    const offline: typeof fetch = async (_url, init) => {
      seen.push(init ?? {});
      throw new TypeError('Failed to fetch');
    };
    expect(await pageChanged('/api/version/dashboard', 'v1', offline)).toBe(false);
    expect(seen[0]).toMatchObject({ cache: 'no-store', credentials: 'same-origin' });
  });
});

describe('queueChange', () => {
  // The page read 4 unblock requests and 2 allowance requests waiting; `now` is what the route answers.
  const read = { unblock: { pending: 4, capped: false }, allowance: { pending: 2, capped: false } };
  const kind = (pending: number, arrived: number, capped = false, arrivedCapped = false) => ({
    pending,
    arrived,
    capped,
    arrivedCapped,
  });
  const now = (
    unblock: ReturnType<typeof kind>,
    allowance: ReturnType<typeof kind> = kind(2, 0),
    claims: Partial<{ taken: number; takenCapped: boolean; released: number; releasedCapped: boolean }> = {},
  ) => ({ unblock, allowance, taken: 0, takenCapped: false, released: 0, releasedCapped: false, ...claims });
  const same = { arrived: 0, arrivedCapped: false, left: 0, unclear: false };

  it('counts the requests of each kind that arrived and those that stopped waiting since the read', () => {
    expect(queueChange(read, now(kind(4, 0)))).toBeNull();
    expect(queueChange(read, now(kind(6, 2)))).toMatchObject({
      unblock: { arrived: 2, arrivedCapped: false, left: 0, unclear: false },
      allowance: same,
    });
    expect(queueChange(read, now(kind(3, 0)))?.unblock).toEqual({ ...same, left: 1 });
    expect(queueChange(read, now(kind(4, 2)))?.unblock).toEqual({ ...same, arrived: 2, left: 2 });
    // An allowance request sent while the unblock requests stayed as they were (the tester's "(2)"
    // heading with no notice), and one decided.
    expect(queueChange(read, now(kind(4, 0), kind(3, 1)))).toMatchObject({
      unblock: same,
      allowance: { ...same, arrived: 1 },
    });
    expect(queueChange(read, now(kind(4, 0), kind(1, 0)))?.allowance).toEqual({ ...same, left: 1 });
  });

  it('tells the claims other agents made or gave up, with nothing else changed', () => {
    expect(queueChange(read, now(kind(4, 0), kind(2, 0), { taken: 2 }))).toMatchObject({
      unblock: same,
      allowance: same,
      taken: 2,
      released: 0,
    });
    expect(queueChange(read, now(kind(4, 0), kind(2, 0), { released: 1 }))).toMatchObject({ released: 1 });
  });

  it('says the queue changed when the counts do not add up, never a false "decided"', () => {
    // A request stamped just before the read and committed after it: in neither count.
    expect(queueChange(read, now(kind(5, 0)))?.unblock).toEqual({
      arrived: 0,
      arrivedCapped: false,
      left: null,
      unclear: true,
    });
    expect(queueChange(read, now(kind(4, 0), kind(3, 0)))?.allowance).toMatchObject({
      left: null,
      unclear: true,
    });
  });

  it('says nothing of the decided when a count passed its cap, and still counts arrivals', () => {
    const full = { ...read, unblock: { pending: 10_000, capped: true } };
    expect(queueChange(full, now(kind(10_000, 0, true)))).toBeNull();
    expect(queueChange(read, now(kind(10_000, 3, true)))?.unblock).toEqual({
      arrived: 3,
      arrivedCapped: false,
      left: null,
      unclear: false,
    });
  });

  it('says what changed in words, "more than" past a cap, in both languages', () => {
    const say = (locale: 'en' | 'es', answer: ReturnType<typeof now>) => {
      const t = translate(locale);
      const change = queueChange(read, answer);
      return change && changeSentence((key, values) => t(`staff.queueWatch.${key}`, values), change);
    };
    const allowanceArrived = now(kind(4, 0), kind(3, 1));
    expect(say('en', allowanceArrived)).toBe('Since this list was shown: 1 new allowance request.');
    expect(say('es', allowanceArrived)).toBe('Desde que se mostró esta lista: 1 solicitud de permiso nueva.');
    const taken = now(kind(4, 0), kind(2, 0), { taken: 2 });
    expect(say('en', taken)).toBe('Since this list was shown: 2 requests taken by other agents.');
    expect(say('es', taken)).toBe('Desde que se mostró esta lista: 2 solicitudes tomadas por otros agentes.');
    const busy = now(kind(5, 2), kind(1, 0), { taken: 1, released: 1 });
    expect(say('en', busy)).toBe(
      'Since this list was shown: 2 new unblock requests; 1 unblock request decided, withdrawn or closed; ' +
        '1 allowance request decided or closed; 1 request taken by another agent; 1 request released by another agent.',
    );
    expect(say('es', busy)).toBe(
      'Desde que se mostró esta lista: 2 solicitudes de desbloqueo nuevas; 1 solicitud de desbloqueo decidida, ' +
        'retirada o cerrada; 1 solicitud de permiso decidida o cerrada; 1 solicitud tomada por otro agente; ' +
        '1 solicitud liberada por otro agente.',
    );
    const flood = now(kind(10_000, 10_000, true, true));
    expect(say('en', flood)).toBe('Since this list was shown: more than 10,000 new unblock requests.');
    expect(say('es', flood)).toBe(
      'Desde que se mostró esta lista: más de 10.000 solicitudes de desbloqueo nuevas.',
    );
    // Counts that do not add up, and nothing that can be named.
    expect(say('en', now(kind(5, 0)))).toBe('The queue has changed since this list was shown.');
    expect(say('es', now(kind(5, 0)))).toBe('La cola ha cambiado desde que se mostró esta lista.');
  });
});

describe('watchedCheck', () => {
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('renders only when the answer changed, or when the last render is older than renderEveryMs', async () => {
    let t = 0;
    let changed = false;
    const asked: string[] = [];
    let renders = 0;
    const check = watchedCheck({
      url: '/api/version/blocks/b1',
      version: 'v1',
      renderEveryMs: 120_000,
      render: () => renders++,
      ask: async (url, version) => (asked.push(`${url} ${version}`), changed),
      now: () => t,
    });
    check();
    await settle();
    expect([asked.length, renders]).toEqual([1, 0]);
    changed = true;
    check();
    await settle();
    expect([asked.length, renders]).toEqual([2, 1]);
    // Two minutes after that render, nothing asked: the switch's part of the page is rendered again.
    changed = false;
    t = 120_000;
    check();
    await settle();
    expect([asked.length, renders]).toEqual([2, 2]);
    check();
    await settle();
    expect([asked.length, renders]).toEqual([3, 2]);
  });

  it('asks one question at a time', async () => {
    let answer!: (v: boolean) => void;
    let asked = 0;
    const check = watchedCheck({
      url: '/api/version/dashboard',
      version: 'v1',
      render: () => undefined,
      ask: () => (asked++, new Promise<boolean>((r) => (answer = r))),
    });
    check();
    check();
    expect(asked).toBe(1);
    answer(false);
    await settle();
    check();
    expect(asked).toBe(2);
  });
});

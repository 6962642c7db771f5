import { TIMED_OUT, within } from '@/lib/server/within';

/**
 * How long the block page waits for its switch read (lib/devices/registrations.ts devicesOfBlock)
 * before it sends its first bytes without it, ms. A registrar answers in tens of milliseconds: then
 * the page is rendered once, as the read shows the block, true from its first paint (also without
 * JavaScript, and for a screen reader, which a streamed swap of the explanation interrupts), with no
 * Suspense fallback rendered beside it (the explanation, calls, credentials and timeline were rendered
 * twice on every view before, and their HTML sent twice, one copy hidden: bench/README.md, the
 * fifty-eighth session, for what it saves).
 * A slower read (a switch under load, up to SWITCH_API_TIMEOUT_MS) costs the first paint this much
 * at most, and then streams in as before. A quarter of a second: under the 0.4 s at which a wait
 * starts to be felt as one (Doherty's threshold), and ten times a registrar's usual answer.
 */
export const LIVE_READ_WAIT_MS = 250;

/**
 * How long the block page waits for its switch read when the page's own script asks for it (a
 * refresh of the open page, AutoRefresh; a navigation inside the portal), ms. Such a render replaces a
 * page already on the screen in a React transition, which keeps that page shown while it waits; a
 * read later than the wait is streamed behind a Suspense boundary that is new to the tree, and a new
 * boundary shows its fallback ("We are still checking…") at once, so an open page dropped back to it
 * for as long as a slow read took (Tester R, 2026-12-08). Longer than a registrar under load takes,
 * shorter than a read that fails (SWITCH_API_TIMEOUT_MS, 5 s by default, and its retry).
 */
export const LIVE_READ_WAIT_SCRIPTED_MS = 2_500;

/**
 * The block page's wait for its switch read (LIVE_READ_WAIT_MS or LIVE_READ_WAIT_SCRIPTED_MS), ms,
 * from the request's `Sec-Fetch-Dest` header (W3C Fetch Metadata Request Headers, §2.1: `document`
 * for a page the browser loads, `empty` for a `fetch()`, which is how the App Router's script asks
 * for a page's RSC payload). A header that is absent (an older browser, a script, a proxy that drops
 * it) or anything else reads as a page load: the short wait, whose worst case is a streamed part.
 */
export function liveReadWaitMs(secFetchDest: string | null | undefined): number {
  return secFetchDest === 'empty' ? LIVE_READ_WAIT_SCRIPTED_MS : LIVE_READ_WAIT_MS;
}

/**
 * The block as this view's switch read shows it (`live`, lib/blocks/queries.ts liveBlockView) and the
 * read itself (`devices`), when both are in within `ms` (LIVE_READ_WAIT_MS); null when they are not
 * (the page then streams them behind Suspense, from the same promises, which keep running) or when
 * the read failed in time (the streamed part shows that failure as it did). Never rejects.
 */
export async function liveReadWithin<B, D>(
  live: Promise<B>,
  devices: Promise<D>,
  ms = LIVE_READ_WAIT_MS,
): Promise<{ block: Awaited<B>; devices: Awaited<D> } | null> {
  const both = Promise.all([live, devices]).then(([block, read]) => ({ block, devices: read }));
  const answer = await within(both, ms).catch((): typeof TIMED_OUT => TIMED_OUT);
  return answer === TIMED_OUT ? null : answer;
}

/**
 * Why the block page's explanation must not yet say what follows the password step
 * (components/block/explanation.tsx `check`): `running` while this view's switch read is still out
 * (the Suspense fallback), `unread` when it came back without the devices of at least one credential
 * (`notRead`: the switch did not answer in time or failed, or asked Tollgate to pause), since a
 * device registered from the calls' address under that credential would hold the lift too (the
 * outbox reads every credential again before a rotation's lift: lib/switch/outbox.ts
 * readBeforePolicyLift).
 */
export type ExplanationCheck = 'running' | 'unread';

/**
 * The explanation's `check` for this view's switch read (`read`: devicesOfBlock's answer, null while
 * it is out): `running` for none yet, `unread` when a credential's devices were not read, else
 * undefined (every credential read: the page may say what comes next).
 */
export function explanationCheck(
  read: { credentials: readonly { notRead: unknown }[] } | null,
): ExplanationCheck | undefined {
  if (!read) return 'running';
  return read.credentials.some((c) => c.notRead !== null) ? 'unread' : undefined;
}

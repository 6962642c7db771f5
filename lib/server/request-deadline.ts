// The one way an outgoing HTTP request gets its time limit: the portal's switch client, the switch
// simulator's event sender and the reference Kamailio switch's event sender all use it.
//
// Why not `AbortSignal.any([AbortSignal.timeout(ms), other])`: on Node 20 (measured on 20.20.2) a
// fetch given such a signal never aborts once a garbage collection has run while it waits. undici
// follows the signal it is given through a weak reference, and nothing else holds the signal that
// AbortSignal.any returns, so the collector takes it and neither the timeout nor `other` reaches the
// request (nodejs/node#55428, nodejs/undici#4068). Against a peer that never answers, the sender then
// waits forever: CI36 saw the reference switch stop retrying its events that way. any-signal combines
// the signals with listeners on its sources, which hold the combined signal for as long as they live.
import { anySignal } from 'any-signal';

/** A request's abort signal, with what ended it and the clean-up of its listeners. */
export interface RequestDeadline {
  /** Give this to fetch (and keep reading the body under it, so a body that trickles in also times out). */
  signal: AbortSignal;
  /** True when the time limit, not `also`, is what aborted the signal. */
  timedOut(): boolean;
  /**
   * Removes the listeners put on `also`. Call it when the request is over, in a `finally`: `also` is
   * usually long-lived (a sender's stop signal) and would otherwise gather one listener per request.
   */
  clear(): void;
}

/**
 * A signal that aborts `ms` milliseconds from now (reason: a `TimeoutError` DOMException) or when
 * `also` aborts (reason: `also`'s), whichever comes first, and keeps doing so after a garbage
 * collection (see the file's head). `ms` must be a positive number of milliseconds; throws a
 * RangeError otherwise, as AbortSignal.timeout does for a negative one.
 */
export function requestDeadline(ms: number, also?: AbortSignal): RequestDeadline {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new RangeError(`a request deadline needs a positive time, not ${ms}`);
  const timeout = AbortSignal.timeout(ms);
  if (!also) return { signal: timeout, timedOut: () => timeout.aborted, clear: () => undefined };
  const signal = anySignal([timeout, also]);
  return {
    signal,
    timedOut: () => signal.aborted && signal.reason === timeout.reason,
    clear: () => signal.clear(),
  };
}

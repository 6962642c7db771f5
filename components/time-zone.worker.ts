// The browser's time zone, read off the main thread for components/time-zone-capture.tsx: a page's
// first use of Intl loads ICU's locale and zone data (≈ 100–200 ms of main-thread time at Lighthouse's
// 4× mobile slowdown, bench/README.md "lighthouse"), which a signed-in page would otherwise pay during
// hydration. Answers once: `tz` (IANA name, or '' when the browser gives none) and whether this
// browser itself lists it (Intl.supportedValuesOf).
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
self.postMessage({ tz, listed: tz !== '' && Intl.supportedValuesOf('timeZone').includes(tz) });

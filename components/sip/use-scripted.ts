import { useSyncExternalStore } from 'react';

const noChange = () => () => {};

/**
 * Whether the page's script runs here: false in the server's render (which is all a browser without
 * JavaScript gets) and while the page hydrates, true after. A control that only works with the script
 * (Generate, Show, Copy) is `disabled` while this is false: on a slow phone the page is painted
 * seconds before its script runs, and a tap on a button that looked ready did nothing (a tester at
 * 400 kbit/s, 2026-12: painted at 1.2 s, script ready at 5.6 s). Read through useSyncExternalStore, so
 * the first render in the browser matches the server's (no hydration mismatch).
 */
export function useScripted(): boolean {
  return useSyncExternalStore(
    noChange,
    () => true,
    () => false,
  );
}

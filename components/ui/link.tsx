import NextLink from 'next/link';
import type { ComponentProps } from 'react';

/**
 * A link to another page of the portal: next/link (client-side navigation, focus and scroll handled
 * by Next), with **prefetching off** unless the caller passes `prefetch`.
 *
 * Every page of the portal is dynamic (each reads the session), and none has a `loading.tsx`, so
 * Next's default prefetch of a dynamic route (`prefetch="auto"`: the route tree down to the nearest
 * loading boundary, plus its metadata) shows nothing sooner: the click still fetches the page. It
 * does cost the server: a link in view is two RSC requests (`Next-Router-Segment-Prefetch: /_tree`
 * and a metadata-only render), each one passing the session check. Measured on the dashboard
 * (bench/README.md, "pages", fourteenth session): one view made 8 such requests, about 43 ms of
 * server time against the page's own 15 ms. A support desk's staff pages and a fraud wave's block
 * pages are exactly where that matters. `prefetch={false}` also turns off prefetch on hover
 * (node_modules/next/dist/docs, Link, `prefetch`).
 */
export function Link({ prefetch = false, ...props }: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={prefetch} {...props} />;
}

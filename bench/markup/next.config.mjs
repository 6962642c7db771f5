// The markup fixture of bench/markup.ts: each measured portal page's own markup (its DOM as Chromium
// built it, saved by the bench in trees/) rebuilt as plain React elements on every request, in an app
// with the bare page's settings (bench/bare/next.config.mjs): the project's Next, a production build,
// no X-Powered-By header. No data, no translations, no session, no proxy: what Next costs to render a
// page of that size, the most goal 1's pages could reach whatever the portal does around it.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  reactStrictMode: true,
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default config;

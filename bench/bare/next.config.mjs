// The bare baseline of bench/pages.ts: a one-page Next app built with the project's own Next (same
// version, from the repository's node_modules) and served by the same server (scripts/serve.mjs), so the
// ratio measures what Tollgate's pages add and nothing else. It keeps the settings of the project's
// next.config.mjs that change the work per request or the bytes sent: a production build with the
// default bundler (Turbopack), no X-Powered-By header, React strict mode (no effect in production, kept
// for parity). It leaves out what is Tollgate's own work: next-intl, the proxy (CSP nonce, request id,
// log line), Auth.js and the database.
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

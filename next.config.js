import createNextIntlPlugin from 'next-intl/plugin';

// The catalogues (messages/*.json) are compiled to icu-minify's form when bundled, and use-intl formats
// them without its ICU parser: nothing parses a message per request on the server, and the parser is
// not in the browser's JavaScript (issue 14; next-intl's `experimental.messages.precompile`).
// Outside the bundle (the operator CLI, tests) the same catalogues are read as ICU text.
const withNextIntl = createNextIntlPlugin({
  requestConfig: './i18n/request.ts',
  experimental: { messages: { path: './messages', format: 'json', locales: 'infer', precompile: true } },
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native modules and the Prisma runtime stay outside the server bundle; so does a package that reads
  // its data files beside its own code (libphonenumber-geo-carrier: path.join(__dirname, '../resources')).
  serverExternalPackages: [
    'better-sqlite3',
    '@node-rs/argon2',
    'pg',
    'nodemailer',
    'pino',
    'prom-client',
    'piscina',
    'libphonenumber-geo-carrier',
  ],
  // `npm test` type-checks the whole project (tsc --noEmit) before it builds; checking again here
  // would only repeat that work.
  typescript: { ignoreBuildErrors: true },
  // lib/server/action-request.ts ACTION_BODY_LIMIT is this limit: proxy.ts answers a larger POST with 413.
  experimental: { serverActions: { bodySizeLimit: '64kb' } },
};

export default withNextIntl(nextConfig);

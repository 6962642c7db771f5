import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native modules and the Prisma runtime stay outside the server bundle.
  serverExternalPackages: [
    'better-sqlite3',
    '@node-rs/argon2',
    'pg',
    'nodemailer',
    'pino',
    'prom-client',
    'piscina',
  ],
  // `npm test` type-checks the whole project (tsc --noEmit) before it builds; checking again here
  // would only repeat that work.
  typescript: { ignoreBuildErrors: true },
  experimental: { serverActions: { bodySizeLimit: '64kb' } },
};

export default withNextIntl(nextConfig);

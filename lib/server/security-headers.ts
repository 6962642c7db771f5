/**
 * Pages reached from email links: their URL carries a token (or names a block), so they send no
 * referrer to another site. `same-origin`, not `no-referrer`: under `no-referrer` a browser sends a
 * form's POST with `Origin: null` (Fetch, "serializing a request origin"), and a form sent without
 * JavaScript (the link's Continue, the misdial request) is then refused as sent from another site.
 */
const SAME_ORIGIN_REFERRER_PREFIXES = ['/api/auth/callback', '/sign-in/link', '/blocks/'];

/**
 * The dev mailbox (demo only) shows a message's HTML in a sandboxed iframe from this route: mail
 * HTML needs inline styles, so it gets its own policy: no scripts, no forms, nothing fetched but
 * images, framed by this site only, and sandboxed even when opened directly.
 */
const MAIL_VIEW = /^\/dev\/mailbox\/[^/]+\/html$/;
const MAIL_VIEW_CSP = [
  `default-src 'none'`,
  `style-src 'unsafe-inline'`,
  `img-src data:`,
  `base-uri 'none'`,
  `form-action 'none'`,
  `frame-ancestors 'self'`,
  `sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation`,
].join('; ');

export function securityHeaders(o: {
  nonce: string;
  pathname: string;
  https: boolean;
  dev: boolean;
}): Record<string, string> {
  if (MAIL_VIEW.test(o.pathname)) {
    return {
      'Content-Security-Policy': MAIL_VIEW_CSP,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Referrer-Policy': 'no-referrer',
    };
  }
  const csp = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${o.nonce}' 'strict-dynamic'${o.dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self'${o.dev ? ` 'unsafe-inline'` : ` 'nonce-${o.nonce}'`}`,
    `img-src 'self' blob: data:`,
    `font-src 'self'`,
    `worker-src 'self' blob:`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    ...(o.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  const strict = SAME_ORIGIN_REFERRER_PREFIXES.some((p) => o.pathname.startsWith(p));
  return {
    'Content-Security-Policy': csp,
    // Pages show call data, IP addresses and numbers: no copy in any cache, on disk or in history
    // (components/fresh-history.tsx covers Back/Forward, which Chromium may serve despite this).
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': strict ? 'same-origin' : 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(o.https ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

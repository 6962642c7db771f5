// Where a sign-in may send the browser afterwards (pure; tests/unit/sign-in.test.ts).

/**
 * Only same-origin paths; anything else goes to the dashboard (no open redirect). Browsers drop tabs
 * and newlines and read "\\" as "/", so "/\t/evil.example" would become "//evil.example": any control
 * character or backslash is refused, and the result must still be a path on our own origin.
 */
export function safeCallbackUrl(raw: unknown): string {
  if (
    typeof raw !== 'string' ||
    raw.length > 512 ||
    !raw.startsWith('/') ||
    /[\u0000-\u001f\u007f\\]/.test(raw)
  )
    return '/';
  const base = 'http://tollgate.invalid';
  try {
    const u = new URL(raw, base);
    if (u.origin !== base || u.pathname.startsWith('//')) return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}

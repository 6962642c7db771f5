/**
 * `secret` (base32, RFC 4648 §6) in groups of four characters, one space between: "JBSW Y3DP EHPK
 * 3PXP". Read and typed in pieces, and it wraps only between groups, never mid-group. Authenticator
 * apps take the key with its spaces (Google Authenticator and the otpauth library drop them), so what
 * a person copies works as it is. White space already in `secret` is dropped first.
 */
export function inGroupsOfFour(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The new authenticator app's secret, as the set-up and the move to a new phone show it: the QR code
 * of its `otpauth://` URI (a `data:` URL made on the server) and the same secret in base32 for an app
 * that cannot scan (RFC 4648 §6; the URI's form is Google Authenticator's Key Uri Format), in groups
 * of four (inGroupsOfFour: it wrapped mid-string).
 * A server component: both strings come from the page, already translated.
 */
export function AuthenticatorSecret({
  qrDataUrl,
  secret,
  alt,
  cannotScan,
}: {
  qrDataUrl: string;
  secret: string;
  /** The QR image's text alternative. */
  alt: string;
  /** The sentence before the base32 secret ("Cannot scan? Type this key:"). */
  cannotScan: string;
}) {
  return (
    <>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated on the server */}
      <img
        src={qrDataUrl}
        alt={alt}
        width={220}
        height={220}
        className="self-center rounded border border-slate-300"
      />
      <p className="text-sm">
        {cannotScan} <code className="rounded bg-slate-100 px-1 tracking-wide">{inGroupsOfFour(secret)}</code>
      </p>
    </>
  );
}

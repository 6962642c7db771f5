// Characters a SIP password should not contain, and why. Pure: the browser meter and the server use it.
//
// A SIP password never travels in a SIP message (RFC 3261 §22.4: digest), but it is typed into phone
// web pages and keypads, written into provisioning files (XML, INI), put in URLs (user:password@host,
// RFC 3986 §3.2.1) and shell commands. Each character below breaks at least one of those somewhere.

const REASONS: Record<string, string> = {
  ':': 'separates user and password in SIP and provisioning URLs',
  ';': 'starts a parameter in SIP URIs and a comment in some configuration files',
  '@': 'separates the user from the host in SIP URIs',
  '#': 'starts a comment in configuration files and a fragment in URLs',
  '%': 'starts an escape sequence in URLs',
  '&': 'must be escaped in XML provisioning files',
  '"': 'ends a quoted value in configuration files and SIP headers',
  "'": 'ends a quoted value in configuration files and shells',
  '\\': 'is an escape character in configuration files',
  '<': 'must be escaped in XML provisioning files',
  '>': 'must be escaped in XML provisioning files',
  ' ': 'splits values in configuration files, and phones may trim it',
};

/** The characters warned about, in the order of REASONS (":", ";", "@", …, space). */
export const WARNED_CHARACTERS = Object.keys(REASONS);

const nameOf = (c: string) => (c === ' ' ? 'a space' : `“${c}”`);

/**
 * One sentence per distinct character of `password` that some phone or provisioning format does not
 * take (WARNED_CHARACTERS, control characters, anything outside printable ASCII), naming it. Empty
 * when every phone takes the password.
 */
export function sipCharacterProblems(password: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of password) {
    if (seen.has(c)) continue;
    seen.add(c);
    if (REASONS[c]) problems.push(`Remove ${nameOf(c)}: it ${REASONS[c]}, so some phones cannot take it.`);
    else if (/[^\x21-\x7e]/.test(c)) {
      const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      problems.push(/[\p{L}\p{N}\p{P}\p{S}]/u.test(c)
        ? `Remove “${c}” (${code}): phones encode characters outside ASCII differently, so the digest would not match.`
        : `Remove the invisible character ${code}: phones cannot type it.`);
    }
  }
  return problems;
}

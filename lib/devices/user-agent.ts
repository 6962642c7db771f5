// What a binding's user agent says of the device: a SIP scanning tool's name, or nothing. Pure and
// without server-only: the switch client's reading of a registrar's answer (lib/switch/schemas.ts
// readRegistrations) tests the whole text before it is cut, and the reference switch's API
// (switch/kamailio/src/api.ts) sends what Kamailio did not record as the portal reads it.

/**
 * User agents of the tools that scan the internet for SIP servers and guess their passwords, as they
 * announce themselves: SIPVicious (`friendly-scanner`, its default, and `sipvicious`), sipcli,
 * `sip-scan`/`sipscan`, VaxSIPUserAgent, pplsip, SIVuS, smap, iWar and `sundayddr`. Hand-written: no
 * library names them. A phone or PBX never sends one, so a binding with one is an attacker's even
 * from an address in the account's own country.
 */
export const SCANNER_USER_AGENT =
  /friendly-scanner|sipvicious|\bsipcli\b|sip-?scan|vaxsipuseragent|pplsip|sivus|\bsmap\b|\biwar\b|sundayddr/i;

/**
 * Whether `userAgent` names a SIP scanning tool (SCANNER_USER_AGENT), read as a person reads it:
 * compatibility forms folded (NFKC: full-width letters), invisible formatting characters dropped
 * (`fr\u200Biendly-scanner`) and every dash a hyphen-minus (`friendly\u2010scanner`, with U+2010
 * HYPHEN: a tester's scanner passed unflagged so). Letters of other scripts that look alike
 * (a Cyrillic "е") are not folded. Pure.
 */
export function namesScanner(userAgent: string): boolean {
  const read = userAgent
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/\p{Pd}/gu, '-');
  return SCANNER_USER_AGENT.test(read);
}

/** A registrar's stand-in for a User-Agent it did not record (Kamailio's registrar writes `n/a`). */
const UA_PLACEHOLDER = /^n\/a$/i;

/**
 * What a device said it is, from a binding's user agent as the switch sent it (after
 * readableSwitchText): '' when it said nothing, the text being empty or only white space, or being a
 * registrar's placeholder for a User-Agent it did not record, once invisible formatting characters
 * (Unicode Cf: U+200B, U+202E…) are left out. Kamailio's registrar (5.x, registrar
 * module `save()`) stores `n/a` in `location.user_agent` for a REGISTER with no User-Agent header, an
 * empty one, or one of 255 bytes or more; the reference switch's API sends those as `""`
 * (docs/switch-api.md), another Kamailio-based switch may pass `n/a` on. Otherwise the text as given,
 * untrimmed. Pure. Examples: `'n/a'`, `'N/A'`, `' '` → `''`; `'Yealink SIP-T46U'` → itself.
 */
export function reportedUserAgent(userAgent: string): string {
  // Invisible formatting characters are nothing said either: a user agent of one U+200B ZERO WIDTH
  // SPACE passed as a named device (tester, 2026-12); trim() keeps it.
  const trimmed = userAgent.replace(/\p{Cf}/gu, '').trim();
  return trimmed === '' || UA_PLACEHOLDER.test(trimmed) ? '' : userAgent;
}

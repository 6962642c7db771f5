import { SIP_USERNAME_RE } from '@/lib/accounts/identifiers';
import { normalizeIp } from '@/lib/server/client-address';

// Text the switch wrote, as a mail may repeat it. A mail comes from the provider's own domain (it
// passes SPF, DKIM and DMARC), and a trigger call's `to` is the one field whoever placed the calls
// chooses: they hold the SIP credential and dial what they like, a web address or a sentence
// included, and the switch reports it. Repeated as it came, the provider's block notice would carry
// their words, a web address that mail programs turn into a link, at the moment its reader is about to
// choose new SIP passwords. So a mail shows what Tollgate could read, and of what it could not, only
// what a keypad dials, or nothing but words of its own; the signed-in block page shows the text as the
// switch logged it (React escapes it and nothing there makes links). Pure: unit-tested.

/** The separators a switch or a person writes inside a dial string: white space, dashes, dots, brackets. */
const SEPARATORS = /[\s\-.()]/g;
/**
 * What a keypad dials: an optional leading `+`, then digits, `*` and `#`, at least one digit, at most
 * 20 in all (E.164's 15 digits plus an international or a PBX's access prefix).
 */
const KEYPAD = /^\+?(?=[*#]*[0-9])[0-9*#]{1,20}$/;

/**
 * A dialled number Tollgate could not read (lib/phone/format.ts describeDialled gave `e164` null:
 * `raw` is the text the switch sent, at most 100 characters), as a mail shows it: its keypad
 * characters in groups of three (the last group of four rather than one alone: `5152795494` →
 * `515 279 5494`, `*97` → `*97`, `+ 88 (0) 12` → `+880 12`), or null when it is anything but a dial
 * string (a letter, `/`, `:`, `@`, an invisible character, more than 20 keypad characters): the mail
 * then says in its own words that there was a number it could not read, and that the block page shows
 * it as the switch logged it.
 *
 * Why digits and not nothing: the digits are what the customer needs to recognise a call of their own
 * (a feature code, a number their PBX wrote in its own way), and they give whoever dialled them no
 * voice they do not have anyway, since any number they dial is named in the mail once read. Why not
 * the text: letters and `/ : @` are what a web address, an email address or a sentence needs, and
 * those are the attacker's words in the provider's mail. Grouped, never as written: the switch's own
 * spacing is text it chose too, and no national format is claimed for a number nobody could read.
 */
export function unreadNumberInMail(raw: string): string | null {
  const keys = raw.replace(SEPARATORS, '');
  if (!KEYPAD.test(keys)) return null;
  const plus = keys.startsWith('+') ? '+' : '';
  const rest = keys.slice(plus.length);
  const groups = rest.match(/.{1,3}/g) ?? [];
  if (groups.length > 1 && groups[groups.length - 1].length === 1) groups[groups.length - 2] += groups.pop();
  return `${plus}${groups.join(' ')}`;
}

/**
 * What a mail program makes a link of in a SIP name's characters: an email address (`@`) or a host
 * name (a dot before a letter: `www.acme-voip.example`, `acme-voip.com`; `trunk.2` is not one).
 */
const LINK_SHAPED = /@|\.[A-Za-z]/;

/**
 * A name the switch reported for a call that is none of the account's SIP credentials (an
 * IP-authenticated trunk, a PBX), as a mail shows it: the name when it is one the switch could name
 * (SIP_USERNAME_RE, lib/accounts/identifiers.ts: 1–128 ASCII letters, digits and `. _ @ + -`, the
 * shape of every SIP username and trunk name Tollgate and the switch accept) and no mail program can
 * make a link of it (LINK_SHAPED), else null, and the mail says in its own words that there was a
 * name it could not read (spaces, `/`, `:`, markup, invisible characters, any other script: a
 * sentence or a web address is no SIP name; `reset@acme-voip.example` is one, but in a mail it would
 * be the fraudster's address, made a link).
 */
export const switchNameInMail = (name: string): string | null =>
  SIP_USERNAME_RE.test(name) && !LINK_SHAPED.test(name) ? name : null;

/**
 * A call's source address as a mail shows it: the address in its one canonical form (normalizeIp,
 * lib/server/client-address.ts; a readable one is stored so already), else null, and the mail says in
 * its own words that there was an address it could not read.
 */
export const sourceIpInMail = (sourceIp: string): string | null => normalizeIp(sourceIp);

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
 * A dial string as a person writes it: keypad characters with ASCII spaces (one at a time), dashes,
 * dots and brackets between them, at most 40 characters (20 keypad characters and as many separators).
 */
const WRITTEN = /^[0-9*#+\-.() ]{1,40}$/;

/**
 * A dialled number Tollgate could not read (lib/phone/format.ts describeDialled gave `e164` null:
 * `raw` is the text the switch sent, at most 100 characters), as a mail shows it: as the switch wrote
 * it and the block page shows it (`9 011 882 16 1234567`, `+ 88 (0) 12`, `*97`), trimmed, a run of
 * spaces one space as the page's HTML shows it; or, when its separators are anything else (a tab, a
 * line break, a no-break or other Unicode space) or too many (WRITTEN), its keypad characters alone,
 * unspaced (`9011882161234567`); or null when it is anything but a dial string (a letter, `/`, `:`,
 * `@`, an invisible character, more than 20 keypad characters): the mail then says in its own words
 * that there was a number it could not read, and that the block page shows it as the switch logged it.
 *
 * Why digits and not nothing: the digits are what the customer needs to recognise a call of their own
 * (a feature code, a number their PBX wrote in its own way), and they give whoever dialled them no
 * voice they do not have anyway, since any number they dial is named in the mail once read. Why not
 * any text: letters and `/ : @` are what a web address, an email address or a sentence needs, and
 * those are the attacker's words in the provider's mail; keypad characters with single spaces, dashes,
 * dots and brackets spell none of them, and a line break or a run of spaces cannot lay out the mail.
 * Never regrouped: grouping in threes (until 2026-12) turned `9 011 882 16 1234567`, a US PBX's
 * outside line and international prefix, into `901 188 216 123 4567`, which a reader in Spain takes
 * for a domestic 901 number, under words saying the block page shows it as logged; no grouping is
 * claimed for a number nobody could read.
 */
export function unreadNumberInMail(raw: string): string | null {
  const keys = raw.replace(SEPARATORS, '');
  if (!KEYPAD.test(keys)) return null;
  const written = raw.trim().replace(/ {2,}/g, ' ');
  return WRITTEN.test(written) ? written : keys;
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

// How a SIP credential is named to a person, on every page and in every mail: its label (free text an
// operator gave it, "Reception phone") beside its username (what the phone registers with). No
// server-only: pages, client components and mail templates all name credentials.

import { SIP_USERNAME_RE } from '@/lib/accounts/identifiers';

/** A SIP credential as it is named: its label (may be empty) and its username. */
export type CredentialNaming = { label?: string | null; username: string };

/**
 * The credential's label worth showing beside its username, trimmed, or null when it adds nothing:
 * empty (or white space), or the username itself, letter case aside. An operator who adds a
 * credential without a label stores its username as the label (lib/accounts/commands.ts), and pages
 * and mails read "conmutador (conmutador)". A label that already ends with the username in brackets
 * ("Office PBX (office-pbx)", as an operator may type it) is shown without them, or the pages read
 * "Office PBX (office-pbx) (office-pbx)".
 */
export function credentialLabel(c: CredentialNaming): string | null {
  const username = c.username.toLowerCase();
  let label = c.label?.trim() ?? '';
  if (label.toLowerCase().endsWith(`(${username})`))
    label = label.slice(0, label.length - username.length - 2).trim();
  return label && label.toLowerCase() !== username ? label : null;
}

/**
 * The credential in running text: `both(label, username)` when it has a label worth showing
 * (credentialLabel), by default "Reception phone (acme-reception)"; else the username alone. A mail
 * passes its catalogue's words for `both` (mail.credential).
 */
export function credentialName(
  c: CredentialNaming,
  both: (label: string, username: string) => string = (label, username) => `${label} (${username})`,
): string {
  const label = credentialLabel(c);
  return label ? both(label, c.username) : c.username;
}

/** "<label> (<username>)", the detail lib/credentials/reset.ts writes (credentialOfResetDetail). */
const RESET_DETAIL = new RegExp(`^([\\s\\S]*) \\((${SIP_USERNAME_RE.source.slice(1, -1)})\\)$`);

/**
 * The credential a block timeline's "SIP password changed" entry (BlockEvent `password_reset`) names:
 * its detail is stored as "<label> (<username>)" (lib/credentials/reset.ts), with the username as
 * label for a credential added without one, so shown as stored it read "conmutador (conmutador)".
 * `username` is a SIP username (lib/accounts/identifiers.ts SIP_USERNAME_RE: no spaces or brackets).
 * Null for any other text (a row written before the detail named the credential so).
 */
export function credentialOfResetDetail(detail: string | null | undefined): CredentialNaming | null {
  const m = RESET_DETAIL.exec(detail ?? '');
  return m ? { label: m[1]!, username: m[2]! } : null;
}

/** The one name a person calls the credential by: its label worth showing, else its username. */
export function credentialCallName(c: CredentialNaming): string {
  return credentialLabel(c) ?? c.username;
}

// How a SIP credential is named to a person, on every page and in every mail: its label (free text an
// operator gave it, "Reception phone") beside its username (what the phone registers with). No
// server-only: pages, client components and mail templates all name credentials.

/** A SIP credential as it is named: its label (may be empty) and its username. */
export type CredentialNaming = { label?: string | null; username: string };

/**
 * The credential's label worth showing beside its username, trimmed, or null when it adds nothing:
 * empty (or white space), or the username itself, letter case aside. An operator who adds a
 * credential without a label stores its username as the label (lib/accounts/commands.ts), and pages
 * and mails read "conmutador (conmutador)".
 */
export function credentialLabel(c: CredentialNaming): string | null {
  const label = c.label?.trim() ?? '';
  return label && label.toLowerCase() !== c.username.toLowerCase() ? label : null;
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

/** The one name a person calls the credential by: its label worth showing, else its username. */
export function credentialCallName(c: CredentialNaming): string {
  return credentialLabel(c) ?? c.username;
}

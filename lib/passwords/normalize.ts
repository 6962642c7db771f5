/**
 * A portal password as it is judged, hashed and compared: Unicode NFC, as RFC 8265's OpaqueString
 * profile (PRECIS, for passwords) prepares it (§4.2.2: NFC, and no width mapping). "ñ" is one code
 * point typed on one keyboard and two ("n" and a combining tilde) pasted from another (macOS file
 * names, some input methods): without it, "Contraseña" set one way was "not correct" typed the other
 * way. Not NFKC (NIST SP 800-63B §5.1.1.2 allows either): it maps full-width "ｐａｓｓｗｏｒｄ" to
 * "password", so a password judged strong as typed would be stored as a weak one. Every place that
 * judges a portal password (the profile form's meter, the server's change, the operator CLI) judges
 * this form, and lib/auth/password.ts hashes it. Runs in the browser too. SIP passwords are not
 * normalized: anything but printable ASCII is refused in them (lib/passwords/sip-characters.ts).
 */
export const normalizedPassword = (password: string) => password.normalize('NFC');

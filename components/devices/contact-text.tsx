import { revealInvisible } from '@/lib/server/control-characters';

/**
 * A registration's contact ("sip:acme-reception@185.220.101.47:5071;transport=tcp") in pieces that a
 * line may end between, never inside: the user part, the `@` and host, the `:` and port, each `;`
 * parameter (the `unbroken` utility, app/globals.css). Broken anywhere, a phone showed
 * "sip:acme-recep⏎tion@185.220.1⏎01.47:5071", the username and the address each cut in two. A piece
 * longer than the line still wraps (its cell may be narrower than the piece: `min-w-0`). No hooks:
 * server and client components alike.
 */
export function ContactText({ contact }: { contact: string }) {
  // As the switch's registrar sent it, but with a direction override or other invisible formatting
  // written out (revealInvisible): a device's contact is text whoever registered it chose.
  return revealInvisible(contact)
    .split(/(?=[@;])|(?=:\d+(?:;|$))/)
    .map((piece, i) => (
      <span key={i} className="unbroken">
        {piece}
      </span>
    ));
}

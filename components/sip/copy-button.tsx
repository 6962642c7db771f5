'use client';
import { useState } from 'react';
import { buttonClass, TARGET_SIZE } from '@/components/ui/button-class';
import { useScripted } from '@/components/sip/use-scripted';

/** What the button's live region says: nothing yet, the text copied, or copying refused. */
type Copying = 'idle' | 'copied' | 'failed';

/**
 * Puts `text` on the clipboard (Clipboard API `writeText`); true when the browser took it, false when
 * it refused (an insecure context, an in-app browser, a permission denied: the promise rejects) or has
 * no clipboard (`navigator.clipboard` undefined outside a secure context). Never throws.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Selects the whole text of `element` (DOM Selection API), so the reader can copy it by hand. */
export function selectContents(element: Element | null | undefined) {
  const selection = element ? window.getSelection() : null;
  if (!element || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * Copies `text`; `copy` and `copied` are the button's words in the reader's language, and `failed`
 * what its live region says when the browser would not copy (reset page: password.copyFailed, "Could
 * not copy: select the password and copy it by hand"); a password shown once must not be lost to a
 * button that silently did nothing. On that failure the element `selects` names (an id: the password
 * shown) is selected, ready for the phone's own Copy. Without `failed` the region keeps `copy`.
 * Hidden where the page runs no script (CSS `scripting: none`): there it could not copy, and the text
 * is selected by hand; disabled until the script runs (useScripted: a tap before then did nothing).
 * A compact secondary button (buttonClass, TARGET_SIZE: 44 px tall on a phone).
 */
export function CopyButton({
  text,
  copy,
  copied: copiedText,
  failed,
  selects,
}: {
  text: string;
  copy: string;
  copied: string;
  failed?: string;
  selects?: string;
}) {
  const [state, setState] = useState<Copying>('idle');
  const scripted = useScripted();
  return (
    <button
      type="button"
      disabled={!scripted}
      className={buttonClass(
        'secondary',
        `${TARGET_SIZE} text-sm noscript:hidden disabled:cursor-wait disabled:opacity-60`,
      )}
      onClick={async () => {
        const ok = await copyText(text);
        if (!ok && selects) selectContents(document.getElementById(selects));
        setState(ok ? 'copied' : 'failed');
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? copiedText : state === 'failed' && failed ? failed : copy}
      </span>
    </button>
  );
}

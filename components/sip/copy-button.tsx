'use client';
import { useState } from 'react';
import { buttonClass, TARGET_SIZE } from '@/components/ui/button-class';

/**
 * Copies `text`; `copy` and `copied` are the button's words in the reader's language. Hidden where the
 * page runs no script (CSS `scripting: none`): there it could not copy, and the text is selected by hand.
 * A compact secondary button (buttonClass, TARGET_SIZE: 44 px tall on a phone).
 */
export function CopyButton({
  text,
  copy,
  copied: copiedText,
}: {
  text: string;
  copy: string;
  copied: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass('secondary', `${TARGET_SIZE} text-sm noscript:hidden`)}
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setCopied(true);
      }}
    >
      <span aria-live="polite">{copied ? copiedText : copy}</span>
    </button>
  );
}

'use client';
import { useState } from 'react';

/** Copies `text`; `copy` and `copied` are the button's words in the reader's language. */
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
      className="rounded-md border border-slate-500 bg-white px-3 py-1 text-sm font-semibold"
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setCopied(true);
      }}
    >
      <span aria-live="polite">{copied ? copiedText : copy}</span>
    </button>
  );
}

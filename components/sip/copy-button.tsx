'use client';
import { useState } from 'react';

export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" className="rounded-md border border-slate-500 bg-white px-3 py-1 text-sm font-semibold"
      onClick={async () => { await navigator.clipboard.writeText(text); setCopied(true); }}>
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}

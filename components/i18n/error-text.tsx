'use client';
import { createContext, useContext } from 'react';
import type { ErrorText } from '@/lib/i18n/error-text';

const Ctx = createContext<ErrorText | null>(null);

/**
 * Hands app/error.tsx its words without next-intl's client provider, which would put use-intl's
 * formatter in every page's first-load JavaScript (the boundary is loaded with every page).
 */
export function ErrorTextProvider({ text, children }: { text: ErrorText; children: React.ReactNode }) {
  return <Ctx.Provider value={text}>{children}</Ctx.Provider>;
}

/** The words of the nearest ErrorTextProvider; throws when there is none (a bug in the layout). */
export function useErrorText(): ErrorText {
  const text = useContext(Ctx);
  if (!text) throw new Error('useErrorText() needs an ErrorTextProvider above it (app/layout.tsx)');
  return text;
}

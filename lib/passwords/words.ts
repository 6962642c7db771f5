import type { Note } from '@/lib/i18n/note';

// The small, zxcvbn-free part of the password rules (lib/passwords/strength.ts re-exports it): the
// browser's page code imports it from here, and only the meter's Web Worker loads zxcvbn.

/** The meter's words for levels 0–4: catalogue keys strength.0 … strength.4. */
export const levelLabel = (level: number): Note => ({ key: `strength.${level}` });

/** Words of the account (number, company, SIP username, email) that must not carry a password. */
export function contextWords(inputs: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    if (!input) continue;
    const lower = input.toLowerCase();
    words.add(lower);
    for (const part of lower.split(/[^a-z0-9]+/)) if (part.length >= 4) words.add(part);
  }
  return [...words].filter((w) => w.length >= 4);
}

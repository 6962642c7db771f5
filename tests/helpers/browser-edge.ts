import { vi } from 'vitest';

// What the browser sent, for tests whose code reads next/headers outside a request (the language of
// someone not signed in: the Language cookie, else Accept-Language). Import before the code under test.

/**
 * This browser's Language cookie (`tollgate-locale`) and Accept-Language header, and any other cookie
 * it holds by name (`cookies`: a sign-in link's binding cookie); unset by default.
 */
export const browser = {
  cookie: undefined as string | undefined,
  acceptLanguage: null as string | null,
  cookies: {} as Record<string, string>,
};

vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  cookies: async () => ({
    get: (name: string) =>
      name === 'tollgate-locale' && browser.cookie
        ? { name, value: browser.cookie }
        : name in browser.cookies
          ? { name, value: browser.cookies[name] }
          : undefined,
    set: () => undefined,
    delete: () => undefined,
  }),
  headers: async () =>
    new Headers(browser.acceptLanguage ? { 'accept-language': browser.acceptLanguage } : {}),
}));

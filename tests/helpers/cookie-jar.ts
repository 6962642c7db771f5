// next/headers for integration tests of server actions that read or set cookies (the sign-in forms'
// known-device and link-binding cookies): `headers()` as a request to localhost:3000, `cookies()` a
// jar the test reads and clears. Use it as the mocked module, in each file that needs it:
//   vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);
//   import { jar } from '@/tests/helpers/cookie-jar';
// (the factory and the import get the same module, so the test sees what the action set).

/** The cookies set so far, by name. */
export const jar = new Map<string, string>();

/** The mocked `next/headers` module. */
export const nextHeaders = {
  headers: async () => new Headers({ host: 'localhost:3000' }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string | { name: string; value: string }, value?: string) =>
      typeof name === 'string' ? jar.set(name, value ?? '') : jar.set(name.name, name.value),
    delete: (name: string | { name: string }) => jar.delete(typeof name === 'string' ? name : name.name),
  }),
};

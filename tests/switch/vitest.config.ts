// TEMPORARY: lets tests/switch run before the root vitest config exists. Delete once the root
// config has the `@` alias (and `server-only` → empty module). Run:
//   npx vitest run --config tests/switch/vitest.config.ts tests/switch/<file>
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { '@': root } },
  test: { include: ['tests/switch/**/*.test.ts'], environment: 'node' },
});

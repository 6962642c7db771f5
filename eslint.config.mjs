import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const APP_WALL = {
  regex: '^(@/|(\\.\\./)+)app(/|$)',
  message: 'app/ holds routes only: import actions and queries from lib/<domain>/ (docs/architecture.md).',
};
const DB_WALL = {
  regex: '^(@/|(\\.\\./)+)lib/(generated|server/db)(/|$)',
  message:
    'Pages and components never touch the database: call a query or action of lib/<domain>/ (docs/architecture.md).',
};
const DB_PATHS = ['@prisma/client'].map((name) => ({
  name,
  message:
    'Pages and components never touch the database: call a query or action of lib/<domain>/ (docs/architecture.md).',
}));
const LINK_PATH = {
  name: 'next/link',
  message:
    'Link from @/components/ui/link: no prefetch of dynamic pages unless asked (its docstring says why).',
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    '.next/**',
    'bench/bare/.next/**',
    'bench/markup/.next/**',
    'node_modules/**',
    'lib/generated/**',
    'test-results/**',
    'playwright-report/**',
    'next-env.d.ts',
    'data/**',
  ]),
  {
    rules: {
      'no-console': ['error', { allow: ['warn', 'error', 'log'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // On Node 20 a fetch under AbortSignal.any's signal never aborts after a garbage collection.
      'no-restricted-properties': [
        'error',
        {
          object: 'AbortSignal',
          property: 'any',
          message:
            'A fetch under AbortSignal.any may never abort on Node 20: use requestDeadline from lib/server/request-deadline.ts (its head says why).',
        },
      ],
    },
  },
  // The walls of docs/architecture.md. Nothing imports a route; routes and components never reach the
  // database (they call lib/<domain> queries and actions, which scope every read to the caller).
  { files: ['lib/**'], rules: { 'no-restricted-imports': ['error', { patterns: [APP_WALL] }] } },
  {
    files: ['app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [...DB_PATHS, LINK_PATH], patterns: [DB_WALL] }] },
  },
  {
    files: ['components/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...DB_PATHS, LINK_PATH], patterns: [APP_WALL, DB_WALL] }],
    },
  },
  {
    files: ['components/ui/link.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: DB_PATHS, patterns: [APP_WALL, DB_WALL] }] },
  },
  { files: ['prisma/*.cjs', 'scripts/lib/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
]);

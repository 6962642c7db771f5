import fs from 'node:fs';
import path from 'node:path';

/** Loads .env (if present) without overriding the real environment; Node 20's built-in loader. */
export function loadDotEnv(file = path.resolve(process.cwd(), '.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

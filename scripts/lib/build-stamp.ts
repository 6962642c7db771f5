import fs from 'node:fs';
import path from 'node:path';

const SOURCES = [
  'app',
  'components',
  'lib',
  'messages',
  'i18n',
  'proxy.ts',
  'next.config.js',
  'package-lock.json',
  'instrumentation.ts',
];

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs
    .readdirSync(p)
    .reduce((m, f) => (f === 'generated' ? m : Math.max(m, newest(path.join(p, f)))), st.mtimeMs);
}

/** True when there is no production build or a source is newer than it. */
export function needsBuild(): boolean {
  const stamp = path.resolve('.next/BUILD_ID');
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newest(path.resolve(s)) > built);
}

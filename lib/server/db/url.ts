import path from 'node:path';

/** file:./data/tollgate.db → absolute path, relative to the working directory like Prisma does. */
export function sqlitePath(url: string): string {
  const p = url.replace(/^file:/, '').replace(/\?.*$/, '');
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), p);
}

import fs from 'node:fs';
import path from 'node:path';
import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import { build } from '../tree';
import { ClientTree } from './client-tree';

// One saved page (trees/<page>.json, written by bench/markup.ts before it starts this app), read once
// per process, rebuilt as elements on every request. Dynamic as the bare page is: it reads a cookie.
// `?classes=0` leaves the class attributes out (how much of the cost is Tailwind's class strings);
// `?client=1` builds the tree in a client component, from the tree passed as data (ClientTree).
const trees = new Map();
function tree(name) {
  if (!/^[a-z-]+$/.test(name)) return null;
  if (!trees.has(name)) {
    const file = path.join(process.cwd(), 'trees', `${name}.json`);
    trees.set(name, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);
  }
  return trees.get(name);
}

export default async function Page({ params, searchParams }) {
  const signedIn = (await cookies()).has('authjs.session-token');
  const nodes = tree((await params).page);
  if (!nodes) notFound();
  const query = await searchParams;
  const classes = query.classes !== '0';
  return (
    <div data-signed-in={signedIn ? '1' : '0'}>
      {query.client === '1' ? (
        <ClientTree nodes={nodes} classes={classes} />
      ) : (
        nodes.map((n, i) => build(n, classes, i))
      )}
    </div>
  );
}

import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sqlitePath } from '@/lib/server/db/url';

// The demo's dev mailbox: without SMTP_URL, "delivering" a message writes it here as one JSON file
// named after its outbox row, so delivering the same row twice leaves one message. /dev/mailbox
// reads it (demo only). It sits beside the SQLite database (data/mailbox in the demo).

export type StoredMail = {
  id: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  storedAt: string;
  html: string;
  text: string;
};

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function mailboxDir(): string {
  const url = process.env.DATABASE_URL ?? '';
  return url.startsWith('file:')
    ? path.join(path.dirname(sqlitePath(url)), 'mailbox')
    : path.resolve(/*turbopackIgnore: true*/ process.cwd(), 'data', 'mailbox');
}

export async function storeMail(m: StoredMail, dir = mailboxDir()): Promise<void> {
  if (!ID.test(m.id)) throw new Error('bad mailbox id');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${m.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(m), 'utf8');
  await fs.rename(tmp, file); // atomic: a reader never sees half a message
}

export async function readMail(id: string, dir = mailboxDir()): Promise<StoredMail | null> {
  if (!ID.test(id)) return null;
  try {
    return JSON.parse(await fs.readFile(path.join(dir, `${id}.json`), 'utf8')) as StoredMail;
  } catch {
    return null;
  }
}

/** Newest first. */
export async function listMail(
  limit = 200,
  dir = mailboxDir(),
): Promise<Omit<StoredMail, 'html' | 'text'>[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const all = await Promise.all(
    names.filter((n) => n.endsWith('.json')).map((n) => readMail(n.slice(0, -5), dir)),
  );
  return all
    .filter((m): m is StoredMail => m !== null)
    .sort((a, b) => b.storedAt.localeCompare(a.storedAt))
    .slice(0, limit)
    .map(({ html: _h, text: _t, ...head }) => head);
}

import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sqlitePath } from '@/lib/server/db/url';
import { MAILBOX_UNSTORED } from '@/lib/mail/delivery-policy';

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

/**
 * What storeMail throws when it stored nothing: the folder could not be made (`data/mailbox` replaced
 * by a plain file, a disk full, no permission), or the message could not be written to its temporary
 * file or renamed into place. No message file exists, so the worker retries it like a refused SMTP
 * connection, at-most-once mail included (lib/mail/delivery-policy.ts classifySendError reads `code`,
 * MAILBOX_UNSTORED). `cause`: the file system's error; its own code (`EEXIST`, `ENOSPC`…) is in the
 * message, which the outbox stores as the row's `lastError`.
 */
export class MailboxWriteError extends Error {
  readonly code = MAILBOX_UNSTORED;
  constructor(step: string, cause: unknown) {
    super(
      `the dev mailbox stored nothing (${step} failed): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MailboxWriteError';
  }
}

/**
 * Stores `m` in the mailbox folder `dir` as `<id>.json`, replacing a copy of the same row: written to
 * a temporary name and renamed, so the message appears whole or not at all. Throws MailboxWriteError
 * when the folder, the write or the rename fails: nothing comes after the rename, so such a failure
 * stored nothing (the temporary file is removed). An id that is no outbox row's throws a plain Error.
 */
export async function storeMail(m: StoredMail, dir = mailboxDir()): Promise<void> {
  if (!ID.test(m.id)) throw new Error('bad mailbox id'); // never an outbox row's (lib/server/row-id.ts)
  const file = path.join(dir, `${m.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new MailboxWriteError('making the folder', e);
  }
  try {
    await fs.writeFile(tmp, JSON.stringify(m), 'utf8');
    await fs.rename(tmp, file); // atomic: a reader never sees half a message, and a failure leaves none
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new MailboxWriteError('writing the message', e);
  }
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

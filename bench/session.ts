import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { encode } from 'next-auth/jwt';
import pg from 'pg';

export const SESSION_COOKIE = 'authjs.session-token';

/**
 * A real signed-in session for a bench request: a Session row (second factor verified when asked)
 * plus the JWT cookie Auth.js would have set for it.
 */
export async function sessionCookie(
  databaseUrl: string,
  email: string,
  secret: string,
  mfaVerified = false,
): Promise<string> {
  const sid = crypto.randomBytes(32).toString('base64url');
  const now = new Date();
  const expires = new Date(now.getTime() + 3_600_000);
  let userId: string;
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.replace(/^file:/, ''));
    userId = (db.prepare(`SELECT id FROM "User" WHERE email = ?`).get(email) as { id: string }).id;
    const iso = (d: Date) => d.toISOString().replace('Z', '+00:00');
    db.prepare(
      `INSERT INTO "Session" (id, "sessionToken", "userId", expires, "createdAt", "mfaVerifiedAt") VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(crypto.randomUUID(), sid, userId, iso(expires), iso(now), mfaVerified ? iso(now) : null);
    db.close();
  } else {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    userId = (await c.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email])).rows[0].id;
    await c.query(
      `INSERT INTO "Session" (id, "sessionToken", "userId", expires, "createdAt", "mfaVerifiedAt") VALUES ($1, $2, $3, $4, $5, $6)`,
      [crypto.randomUUID(), sid, userId, expires, now, mfaVerified ? now : null],
    );
    await c.end();
  }
  const token = await encode({ token: { sub: userId, sid }, secret, salt: SESSION_COOKIE, maxAge: 3600 });
  return `${SESSION_COOKIE}=${token}`;
}

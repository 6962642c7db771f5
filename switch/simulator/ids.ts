import { randomBytes } from 'node:crypto';

// `evt_` + a ULID-shaped id (48-bit millisecond time, 80 random bits, Crockford base32): sortable
// by creation time, like the `evt_01J…` ids in CONTRACTS §4, with no dependency.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ulid(now: number = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return time + rand;
}

export const newEventId = (now?: number) => `evt_${ulid(now)}`;

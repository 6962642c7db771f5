import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSignatureHeader,
  signEvent,
  startSignatureCheck,
  verifySignature,
} from '@/lib/switch/signature';

const SECRET = 'whsec_test_0123456789abcdef0123456789';
const BODY =
  '{"id":"evt_01J","type":"block.lifted","occurredAt":"2026-11-25T09:14:03Z","data":{"accountNumber":"ACC-1001","actor":"switch"}}';
const T = 1795597200;

describe('signEvent', () => {
  it('produces t=…,v1=<64 lowercase hex> over "<t>.<body>"', () => {
    expect(signEvent(SECRET, BODY, T)).toMatch(/^t=1795597200,v1=[0-9a-f]{64}$/);
  });

  it('is stable (a change to the scheme must be deliberate)', () => {
    // HMAC-SHA256("secret", "1.body"), computed independently.
    expect(signEvent('secret', 'body', 1)).toBe(
      't=1,v1=842b24d9575dee4b6ec460b7e3af7d683501d84fe6279102340787c79d2e2bab',
    );
  });

  it('signs bytes and strings alike', () => {
    expect(signEvent(SECRET, Buffer.from(BODY), T)).toBe(signEvent(SECRET, BODY, T));
  });

  it.skipIf(!hasOpenssl())('matches `openssl dgst -sha256 -hmac` as documented in docs/switch-api.md', () => {
    const shell = `printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //'`;
    const hex = execFileSync('sh', ['-c', shell], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH, T: String(T), BODY, SECRET },
    })
      .toString()
      .trim();
    expect(signEvent(SECRET, BODY, T)).toBe(`t=${T},v1=${hex}`);
  });
});

describe('docs/switch-api.md', () => {
  it('shows a test vector that signature.ts reproduces, from the SECRET and BODY of its shell example', () => {
    const doc = readFileSync(join(__dirname, '../../docs/switch-api.md'), 'utf8');
    const secret = /^SECRET='([^']+)'/m.exec(doc)?.[1];
    const body = /^BODY='([^']+)'$/m.exec(doc)?.[1];
    const vector = /signature-test-vector[^\n]*\n```\nT=(\d+)\nv1=([0-9a-f]{64})\n```/.exec(doc);
    expect(secret && body && vector).toBeTruthy();
    expect(signEvent(secret!, body!, Number(vector![1]))).toBe(`t=${vector![1]},v1=${vector![2]}`);
  });
});

describe('startSignatureCheck (a body checked as it arrives)', () => {
  const header = signEvent(SECRET, BODY, T);
  const inPieces = (body: Buffer, size: number, h: string | null, secret = SECRET, now = T) => {
    const check = startSignatureCheck(secret, h, now);
    for (let at = 0; at < body.length; at += size) check.update(body.subarray(at, at + size));
    return check.result();
  };

  it('gives the same answer in pieces of any size as over the whole body', () => {
    const body = Buffer.from(BODY);
    for (const size of [1, 2, 7, 64, body.length])
      expect(inPieces(body, size, header)).toEqual({ ok: true, timestamp: T });
    const tampered = Buffer.from(BODY.replace('ACC-1001', 'ACC-1002'));
    expect(inPieces(tampered, 5, header)).toEqual({ ok: false, reason: 'mismatch' });
    expect(inPieces(body, 5, header, 'whsec_other_0123456789abcdef0123456')).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a missing, malformed or stale header before any hashing', () => {
    const body = Buffer.from(BODY);
    expect(inPieces(body, 8, null)).toEqual({ ok: false, reason: 'missing' });
    expect(inPieces(body, 8, 't=1,v1=zz')).toEqual({ ok: false, reason: 'malformed' });
    expect(inPieces(body, 8, header, SECRET, T + 301)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('verifySignature', () => {
  const header = signEvent(SECRET, BODY, T);

  it('accepts a valid signature inside the window', () => {
    expect(verifySignature(SECRET, BODY, header, T + 10)).toEqual({ ok: true, timestamp: T });
    expect(verifySignature(SECRET, Buffer.from(BODY), header, T)).toEqual({ ok: true, timestamp: T });
  });

  it('rejects the wrong secret', () => {
    expect(verifySignature('another-secret', BODY, header, T)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a tampered body, even by one byte or one space', () => {
    expect(verifySignature(SECRET, BODY.replace('ACC-1001', 'ACC-1002'), header, T)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifySignature(SECRET, BODY + ' ', header, T)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a timestamp moved to fit the window (the timestamp is signed)', () => {
    const forged = header.replace(`t=${T}`, `t=${T + 1000}`);
    expect(verifySignature(SECRET, BODY, forged, T + 1000)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('allows exactly 300 s of skew and refuses 301, in both directions', () => {
    expect(verifySignature(SECRET, BODY, header, T + 300).ok).toBe(true);
    expect(verifySignature(SECRET, BODY, header, T - 300).ok).toBe(true);
    expect(verifySignature(SECRET, BODY, header, T + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(SECRET, BODY, header, T - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(SECRET, BODY, header, T + 50, 30)).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports a missing header', () => {
    for (const h of [undefined, null, '', '   '])
      expect(verifySignature(SECRET, BODY, h, T)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['no v1', `t=${T}`],
    ['no t', `v1=${'a'.repeat(64)}`],
    ['t not a number', `t=abc,v1=${'a'.repeat(64)}`],
    ['t with a leading zero', `t=0${T},v1=${'a'.repeat(64)}`],
    ['v1 too short', `t=${T},v1=abc`],
    ['v1 upper case', `t=${T},v1=${'A'.repeat(64)}`],
    ['two t', `t=${T},t=${T},v1=${'a'.repeat(64)}`],
    ['garbage', 'sha256=deadbeef'],
    ['huge', `t=${T},v1=${'a'.repeat(64)},` + 'x=y,'.repeat(400)],
  ])('rejects a malformed header (%s)', (_name, h) => {
    expect(verifySignature(SECRET, BODY, h, T)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any of several v1 values (secret rotation) and ignores unknown schemes', () => {
    const good = header.split('v1=')[1];
    const h = `t=${T},v0=zzz,v1=${'0'.repeat(64)},v1=${good}`;
    expect(verifySignature(SECRET, BODY, h, T).ok).toBe(true);
    expect(parseSignatureHeader(h)?.v1).toHaveLength(2);
  });

  it('tolerates spaces around parts', () => {
    expect(verifySignature(SECRET, BODY, header.replace(',', ' , '), T).ok).toBe(true);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

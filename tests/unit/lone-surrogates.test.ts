import { describe, expect, it } from 'vitest';
import { escapeLoneSurrogates, parseReceivedJson } from '@/lib/server/control-characters';
import { createSwitchClient } from '@/lib/switch/client';

// Lone UTF-16 surrogates in JSON from outside (lib/server/control-characters.ts parseReceivedJson):
// a half of a surrogate pair, which JSON may write as an escape and no UTF-8 text can hold, is read as
// the six characters of its escape; a pair is the character it makes.

/** True when `text` survives UTF-8 (what both databases' drivers encode it as) unchanged. */
const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

describe('escapeLoneSurrogates', () => {
  it.each([
    ['a high one alone', '\ud800', '\\ud800'],
    ['a low one alone', '\udfff', '\\udfff'],
    ['one inside text', 'a\udbffb', 'a\\udbffb'],
    ['a high one at the end', 'abc\ud83d', 'abc\\ud83d'],
    ['a low one at the start', '\ude00abc', '\\ude00abc'],
    ['a pair written in reverse: two lone ones', '\ude00\ud83d', '\\ude00\\ud83d'],
    ['two high ones before a low one: the first is lone', '\ud800\ud83d\ude00', '\\ud800😀'],
    ['a high one after a pair', '😀\ud800', '😀\\ud800'],
    ['a low one after a pair', '😀\ude00', '😀\\ude00'],
  ])('writes out %s', (_, text, escaped) => {
    expect(escapeLoneSurrogates(text)).toBe(escaped);
    expect(wellFormed(escapeLoneSurrogates(text))).toBe(true);
  });

  it.each([
    ['a surrogate pair (an emoji)', '😀'],
    ['a CJK extension ideograph', '𠀀'],
    ['text with no surrogate', 'acme-reception'],
    ['the literal text of an escape', '\\ud800'],
    ['the empty text', ''],
  ])('leaves %s as it is', (_, text) => {
    expect(escapeLoneSurrogates(text)).toBe(text);
  });

  it('leaves an invisible formatting character to revealInvisible (it is well formed)', () => {
    expect(escapeLoneSurrogates('a\u202eb')).toBe('a\u202eb');
  });
});

describe('parseReceivedJson', () => {
  it('reads a lone surrogate the JSON escapes as the six characters of its escape, in lower case', () => {
    expect(parseReceivedJson('{"from":"\\ud800"}')).toEqual({ from: '\\ud800' });
    expect(parseReceivedJson('{"from":"\\uD800x"}')).toEqual({ from: '\\ud800x' });
    expect(parseReceivedJson('"\\uDFFF"')).toBe('\\udfff');
  });

  it('reads a pair the JSON escapes as the character it makes', () => {
    expect(parseReceivedJson('{"from":"\\ud83d\\ude00"}')).toEqual({ from: '😀' });
    expect(parseReceivedJson('["\\uD83D\\uDE00", "😀"]')).toEqual(['😀', '😀']);
  });

  it('reads every string at any depth, in lists and objects alike', () => {
    const json =
      '{"data":{"calls":[{"from":"\\ud800","to":["x\\udc00",{"deep":"\\udbff"}]}],"n":1,"b":true,"z":null}}';
    expect(parseReceivedJson(json)).toEqual({
      data: { calls: [{ from: '\\ud800', to: ['x\\udc00', { deep: '\\udbff' }] }], n: 1, b: true, z: null },
    });
  });

  it('escapes a key too, and keeps `__proto__` an own key as JSON.parse does', () => {
    const read = parseReceivedJson('{"\\ud800":1,"__proto__":{"x":2},"ok":"\\udc00"}') as Record<
      string,
      unknown
    >;
    expect(Object.keys(read)).toEqual(['\\ud800', '__proto__', 'ok']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(read.ok).toBe('\\udc00');
  });

  it('reads a lone surrogate in the text itself (not escaped) the same way', () => {
    expect(parseReceivedJson('{"from":"\ud800"}')).toEqual({ from: '\\ud800' });
  });

  it('reads JSON without any surrogate as JSON.parse does', () => {
    for (const text of ['{"a":"\\\\ud800"}', '[1,"x",{"y":null}]', '"\\u202e"', '3', 'null'])
      expect(parseReceivedJson(text)).toEqual(JSON.parse(text));
  });

  it('throws what JSON.parse throws on text that is not JSON', () => {
    expect(() => parseReceivedJson('{"from":"\\ud800"')).toThrow(SyntaxError);
    expect(() => parseReceivedJson('')).toThrow(SyntaxError);
  });

  it('leaves no lone surrogate anywhere in what it reads', () => {
    const halves = ['\\ud800', '\\udbff', '\\udc00', '\\udfff', '\\ud83d', '\\ude00'];
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          strings.push(k);
          collect(x);
        }
    };
    for (const a of halves)
      for (const b of halves) collect(parseReceivedJson(`{"${a}${b}":["${a}${b}","x${b}${a}y"]}`));
    expect(strings.length).toBeGreaterThan(100);
    for (const s of strings) expect(wellFormed(s)).toBe(true);
  });
});

describe('the switch API’s answers, as the client reads them', () => {
  const answering = (status: number, body: string) =>
    createSwitchClient({
      baseUrl: 'http://switch.invalid',
      token: 't',
      retries: 0,
      log: () => {},
      fetch: (async () =>
        new Response(body, { status, headers: { 'content-type': 'application/json' } })) as typeof fetch,
    });
  const later = new Date(Date.now() + 3600_000).toISOString();

  it('an account’s reason', async () => {
    const res = await answering(
      200,
      `{"accountNumber":"ACC-1001","internationalCalling":"blocked","blockedAt":null,"reason":"x\\ud800"}`,
    ).getAccount('ACC-1001');
    expect(res).toMatchObject({ ok: true, value: { reason: 'x\\ud800' } });
  });

  it('a binding’s contact and user agent; a pair stays the emoji', async () => {
    const res = await answering(
      200,
      `{"registrations":[{"contact":"sip:a@\\udc00","sourceIp":"198.51.100.20","userAgent":"Phone \\ud83d\\ude00 \\ud800","expiresAt":"${later}"}]}`,
    ).getRegistrations('acme-reception');
    expect(res).toMatchObject({
      ok: true,
      value: { registrations: [{ contact: 'sip:a@\\udc00', userAgent: 'Phone 😀 \\ud800' }], unreadable: 0 },
    });
  });

  it('an error’s code and message', async () => {
    const res = await answering(422, '{"error":{"code":"bad\\ud800","message":"no \\udfff"}}').getAccount(
      'ACC-1001',
    );
    expect(res).toMatchObject({
      ok: false,
      kind: 'rejected',
      code: 'bad\\ud800',
      message: 'HTTP 422 bad\\ud800: no \\udfff',
    });
  });
});

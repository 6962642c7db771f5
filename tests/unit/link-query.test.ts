import { searchParamsToUrlQuery } from 'next/dist/shared/lib/router/utils/querystring';
import { describe, expect, it } from 'vitest';
import { readLinkQuery, type LinkQuery } from '@/lib/auth/link-query';
import { continueLink } from '@/lib/mail/link-token';

// A sign-in link's query as mail systems, link rewriters and copy-paste deliver it
// (lib/auth/link-query.ts). Each input is the address the browser opens, read into `searchParams` the
// way Next reads it for the page; each row says the token and destination the page must see, or
// whether it says "incomplete" (cut) or "used or expired".

const APP = 'http://localhost:3000';
const T = '3f9c0a7be2d14c58a06b9e1f7d2c4b8a5e0f1d3c6b9a8e7f2d1c0b4a3e5f6a7b';
const U = 'b'.repeat(64);
const CB = '/blocks/cm1abc2def';
/** The link as Tollgate mails it: `?token=<T>&callbackUrl=%2Fblocks%2Fcm1abc2def`. */
const LINK = continueLink(APP, { token: T, callbackPath: CB });
const QUERY = LINK.slice(LINK.indexOf('?'));
const PAGE = `${APP}/sign-in/link`;

const read = (address: string) => readLinkQuery(searchParamsToUrlQuery(new URL(address).searchParams));
const whole = (callbackUrl = CB): LinkQuery => ({ token: T, cut: false, callbackUrl });
const cut = (callbackUrl = '/'): LinkQuery => ({ token: null, cut: true, callbackUrl });
const invalid = (callbackUrl = CB): LinkQuery => ({ token: null, cut: false, callbackUrl });
const encodedCb = encodeURIComponent(CB);

describe('readLinkQuery', () => {
  it('reads the link as mailed', () => {
    expect(QUERY).toBe(`?token=${T}&callbackUrl=${encodedCb}`);
    expect(read(LINK)).toEqual(whole());
  });

  it.each<[string, string, LinkQuery]>([
    [
      'token in upper case (a rewriter or a person retyping it)',
      `${PAGE}?token=${T.toUpperCase()}&callbackUrl=${encodedCb}`,
      whole(),
    ],
    [
      'token in mixed case',
      `${PAGE}?token=${T.slice(0, 32).toUpperCase()}${T.slice(32)}&callbackUrl=${encodedCb}`,
      whole(),
    ],
    ['`&amp;` left in an href taken from the HTML part', LINK.replace('&', '&amp;'), whole()],
    ['`&amp;` escaped twice', LINK.replace('&', '&amp;amp;'), whole()],
    ['`&amp;` and an upper-case token', LINK.replace('&', '&amp;').replace(T, T.toUpperCase()), whole()],
    [
      'the parameters swapped, `&amp;` before the token',
      `${PAGE}?callbackUrl=${encodedCb}&amp;token=${T}`,
      whole(),
    ],
    [
      'the `&` and `=` encoded (%26, %3D): the rest of the query inside the token',
      LINK.replace('&callbackUrl=', '%26callbackUrl%3D'),
      whole(),
    ],
    ['only the `&` encoded', LINK.replace('&', '%26'), whole()],
    [
      'the whole query encoded once by a rewriter',
      `${PAGE}?token=${encodeURIComponent(`${T}&callbackUrl=${encodedCb}`)}`,
      whole(),
    ],
    ['`&amp;` encoded (%26amp%3B)', LINK.replace('&callbackUrl=', '%26amp%3BcallbackUrl%3D'), whole()],
    ['`%26` and an upper-case token', LINK.replace('&', '%26').replace(T, T.toUpperCase()), whole()],
    ['a period after the link (end of a sentence)', `${LINK}.`, whole()],
    ['a comma after the link', `${LINK},`, whole()],
    ['a closing parenthesis after the link', `${LINK})`, whole()],
    ['a closing angle bracket (`<link>` auto-link)', `${LINK}>`, whole()],
    ['a closing square bracket', `${LINK}]`, whole()],
    ['a parenthesis and a period', `${LINK}).`, whole()],
    ['`&amp;` and a period', `${LINK.replace('&', '&amp;')}.`, whole()],
    ['`%26` and a closing angle bracket', `${LINK.replace('&', '%26')}>`, whole()],
    ['token last with a period after it', `${PAGE}?callbackUrl=${encodedCb}&token=${T}.`, whole()],
    ['token last with `>` encoded by the browser', `${PAGE}?callbackUrl=${encodedCb}&token=${T}%3E`, whole()],
    ['token alone with `)` after it', `${PAGE}?token=${T})`, whole('/')],
    [
      "a soft line break's `=` inside the token (the browser drops the line break)",
      `${PAGE}?token=${T.slice(0, 40)}=${T.slice(40)}&callbackUrl=${encodedCb}`,
      whole(),
    ],
    [
      "a soft line break's `=` inside the destination",
      `${PAGE}?token=${T}&callbackUrl=%2Fblocks%2Fcm1ab=c2def`,
      whole(),
    ],
    [
      'two lines joined with a space inside the token',
      `${PAGE}?token=${T.slice(0, 40)}%20${T.slice(40)}&callbackUrl=${encodedCb}`,
      whole(),
    ],
    [
      'two lines joined with `+` (a space) inside the token',
      `${PAGE}?token=${T.slice(0, 40)}+${T.slice(40)}&callbackUrl=${encodedCb}`,
      whole(),
    ],
    ['a trailing space (encoded) after the destination', `${LINK}%20`, whole()],
    ['the text part read undecoded (`=3D`)', `${PAGE}?token=3D${T}&callbackUrl=3D${encodedCb}`, whole()],
    [
      'the HTML part read undecoded (`=3D`, `&amp;`)',
      `${PAGE}?token=3D${T}&amp;callbackUrl=3D${encodedCb}`,
      whole(),
    ],
    ['the same token twice', `${LINK}&token=${T}`, whole()],
  ])('recovers the token and the destination: %s', (_what, address, expected) => {
    expect(read(address)).toEqual(expected);
  });

  it.each<[string, string, LinkQuery]>([
    ['wrapped at 76 characters', LINK.slice(0, 76), cut()],
    ['cut one digit short', LINK.slice(0, LINK.indexOf('token=') + 6 + 63), cut()],
    ['cut before the query', LINK.slice(0, LINK.indexOf('?')), cut()],
    ['cut inside the name `token`', LINK.slice(0, LINK.indexOf('token=') + 3), cut()],
    ['an empty token', `${PAGE}?token=&callbackUrl=${encodedCb}`, cut(CB)],
    ['cut at a soft line break, its `=` kept', `${PAGE}?token=${T.slice(0, 40)}=`, cut()],
    ['cut, with a period after it', `${PAGE}?token=${T.slice(0, 40)}.`, cut()],
    [
      'cut, in upper case, before `&amp;`',
      `${PAGE}?token=${T.slice(0, 50).toUpperCase()}&amp;callbackUrl=${encodedCb}`,
      cut(CB),
    ],
  ])('says "incomplete" only for a token really cut short: %s', (_what, address, expected) => {
    expect(read(address)).toEqual(expected);
  });

  it.each<[string, string, LinkQuery]>([
    ['one hex digit too many', LINK.replace(T, `${T}0`), invalid()],
    ['a letter that is not hex after the token', LINK.replace(T, `${T}x`), invalid()],
    [
      'a letter that is not hex inside the token',
      LINK.replace(T, `${T.slice(0, 10)}g${T.slice(11)}`),
      invalid(),
    ],
    [
      'a prefix is never matched: 63 digits and a stray letter',
      LINK.replace(T, `${T.slice(0, 63)}z`),
      invalid(),
    ],
    ['two different tokens', `${LINK}&token=${U}`, invalid()],
    [
      '`3D` where it is not an undecoded `=`',
      LINK.replace(T, `3D${T.slice(0, 62)}`),
      { token: `3d${T.slice(0, 62)}`, cut: false, callbackUrl: CB },
    ],
    ['not a token at all', `${PAGE}?token=hello-world&callbackUrl=${encodedCb}`, invalid()],
  ])('anything else is no token, told as used or invalid (not cut): %s', (_what, address, expected) => {
    expect(read(address)).toEqual(expected);
  });

  it.each([
    ['another site', `https://evil.example${CB}`],
    ['a protocol-relative address', '//evil.example/blocks/x'],
    ['a backslash', '/\\evil.example'],
    ['a soft line break `=` that would leave `//`', '/=/evil.example'],
    ['a space that would leave `//`', '/ /evil.example'],
  ])('checks a recovered destination as every sign-in does (%s goes to the dashboard)', (_what, cb) => {
    const c = encodeURIComponent(cb);
    for (const address of [
      `${PAGE}?token=${T}&callbackUrl=${c}`,
      `${PAGE}?token=${T}&amp;callbackUrl=${c}`,
      `${PAGE}?token=${T}%26callbackUrl%3D${c}`,
      `${PAGE}?token=3D${T}&callbackUrl=3D${c}`,
    ])
      expect(read(address), address).toEqual(whole('/'));
  });

  it("keeps a destination's query as it is (a search's value may end with punctuation or hold `=`)", () => {
    const cb = '/staff?q=Dental S.A.';
    expect(read(`${PAGE}?token=${T}&amp;callbackUrl=${encodeURIComponent(cb)}`)).toEqual(
      whole('/staff?q=Dental%20S.A.'),
    );
    expect(read(`${PAGE}?token=${T}%26callbackUrl%3D${encodeURIComponent(encodeURIComponent(cb))}`)).toEqual(
      whole('/staff?q=Dental%20S.A.'),
    );
  });
});

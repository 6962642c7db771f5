import { describe, expect, it } from 'vitest';
import {
  ACTION_BODY_LIMIT,
  isActionPost,
  refusedAction,
  refusedActionBody,
  refusedActionPost,
} from '@/lib/server/action-request';
import { MAX_DEPTH } from '@/lib/server/action-reply';
// React's own client encoding of an action's arguments, as the browser runs it.
import { encodeReply } from 'next/dist/compiled/react-server-dom-webpack/client.node';

// A server action is a POST with a `Next-Action` header. Next refuses a body over the actions' limit
// and an Origin that is not the request's host (its CSRF rule for actions) by throwing, which it
// answers with 500, and an Origin it cannot parse ("") with a bare 500 (break-15, finding 7). The
// proxy answers those before Next reads the request: 413 and 403, nothing run, nothing logged as an
// error.

const post = (headers: Record<string, string>, method = 'POST') =>
  refusedActionPost(
    method,
    '/profile',
    new Headers({ 'next-action': '7f5147c4075376d795a36051f0ef73983f2262900e', ...headers }),
  );

describe('refusedActionPost', () => {
  it('refuses a declared body over the limit with 413', () => {
    expect(post({ host: 'portal.example', 'content-length': String(ACTION_BODY_LIMIT + 1) })?.status).toBe(
      413,
    );
    expect(post({ host: 'portal.example', 'content-length': String(ACTION_BODY_LIMIT) })).toBeNull();
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a sandboxed frame', 'null'],
    ['a look-alike host', 'http://portal.example.evil.example'],
    ['an empty Origin', ''],
    ['an Origin that is no URL', 'http://['],
  ])('refuses an Origin from %s with 403', (_, origin) => {
    expect(post({ host: 'portal.example', origin })?.status).toBe(403);
  });

  it('takes the own origin, by X-Forwarded-Host or Host as Next reads them, and no Origin (not a browser)', () => {
    expect(post({ host: 'portal.example', origin: 'https://portal.example' })).toBeNull();
    expect(
      post({
        host: '127.0.0.1:3000',
        'x-forwarded-host': 'portal.example',
        origin: 'https://portal.example',
      }),
    ).toBeNull();
    expect(
      post({ host: 'portal.example', 'x-forwarded-host': 'lb.internal', origin: 'https://portal.example' }),
    ).toBeNull();
    expect(post({ host: 'portal.example' })).toBeNull();
  });

  it('leaves every other request to Next', () => {
    expect(
      refusedActionPost('POST', '/profile', new Headers({ host: 'a', origin: 'https://evil.example' })),
    ).toBeNull();
    expect(post({ host: 'a', origin: 'https://evil.example' }, 'GET')).toBeNull();
  });
});

/** A body as a client sends it: the bytes and Content-Type of `init`, as a stream. */
async function sent(init: BodyInit | string, contentType?: string) {
  const req = new Request('http://localhost/', { method: 'POST', body: init });
  const type = contentType ?? req.headers.get('content-type');
  return { type, body: req.body };
}

// What Next decodes an action's body with, and answered 500 for when it could not (the sixteenth
// session, against the production build): React's reply encoding (a fetch action's JSON, or
// multipart with the root in field "0") and a form sent without JavaScript (multipart).
describe('refusedActionBody', () => {
  const fetchForm = () => {
    const f = new FormData();
    f.set('0', '["$K1"]');
    f.set('1_email', 'dana@acme.example');
    return f;
  };

  it('takes what browsers send: a fetch action’s JSON or multipart reply, a form without JavaScript', async () => {
    const json = await sent('["$K1"]', 'text/plain;charset=UTF-8');
    expect(await refusedActionBody(json.type, true, json.body)).toBeNull();
    const reply = await sent(fetchForm());
    expect(reply.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(await refusedActionBody(reply.type, true, reply.body)).toBeNull();
    const noScript = new FormData();
    noScript.set('$ACTION_ID_7f0aff9665d7f1d853597f1c11ae5ed986cd787bb3', '');
    noScript.set('email', 'dana@acme.example');
    const form = await sent(noScript);
    expect(await refusedActionBody(form.type, false, form.body)).toBeNull();
  });

  it('reads a fetch action’s multipart with busboy, as Next does, not with undici', async () => {
    // undici (Node 20) fails on a value holding the boundary's text; busboy, Next's parser here, reads it.
    const body =
      '--x\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--x\r\n' +
      'Content-Disposition: form-data; name="1_email"\r\n\r\nnobody@x.example\r\n--x--\r\n';
    const { body: stream } = await sent(body);
    expect(await refusedActionBody('multipart/form-data; boundary=x', true, stream)).toBeNull();
  });

  it.each([
    ['JSON cut short', '["$K1"', 'text/plain;charset=UTF-8'],
    ['no JSON at all', 'not json', 'text/plain;charset=UTF-8'],
    ['an empty body', '', 'text/plain;charset=UTF-8'],
    ['no Content-Type', 'garbage', null],
    ['multipart without a boundary', 'xx', 'multipart/form-data'],
    [
      'multipart cut short',
      '--abc\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]',
      'multipart/form-data; boundary=abc',
    ],
    [
      'multipart without its root field 0',
      '--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--abc--\r\n',
      'multipart/form-data; boundary=abc',
    ],
    [
      'multipart whose root is not JSON',
      '--abc\r\nContent-Disposition: form-data; name="0"\r\n\r\nnope\r\n--abc--\r\n',
      'multipart/form-data; boundary=abc',
    ],
  ])('refuses a fetch action with %s: 400', async (_, init, contentType) => {
    const { body } = await sent(init);
    expect(await refusedActionBody(contentType, true, body)).toEqual({
      status: 400,
      message: "This form's data could not be read. Send it again.",
    });
  });

  // break-19: JSON that React's decoder cannot resolve was passed to Next, which answered 500 (on
  // every page, signed in or not). Each of these came back 500 from the production build.
  it.each([
    ['a part it does not carry', '["$1"]'],
    ['a Map in a part it does not carry', '[{"x":"$Q1"}]'],
    ['a Set, an iterator, a typed array, a Blob in no part', '["$W1","$i1","$A1","$o1","$B1"]'],
    ['a bare $', '["$"]'],
    ['a letter React does not know', '["$Y1"]'],
    ['a path the root does not have', '["$0:a:b"]'],
    ['a path through a prototype', '["$0:__proto__"]'],
    ['a BigInt that is none', '["$nzz"]'],
    ['a server function', '["$h0"]'],
  ])('refuses a fetch action whose reply names %s: 400', async (_, reply) => {
    expect(
      (await refusedActionBody('text/plain;charset=UTF-8', true, (await sent(reply)).body))?.status,
    ).toBe(400);
    const multipart = new FormData();
    multipart.set('0', reply);
    const form = await sent(multipart);
    expect((await refusedActionBody(form.type, true, form.body))?.status).toBe(400);
  });

  it('reads a reply nested as deep as 64 KB allows without running out of stack', async () => {
    const deep = '['.repeat(30_000) + '"$1"' + ']'.repeat(30_000);
    expect((await refusedActionBody('text/plain', true, (await sent(deep)).body))?.status).toBe(400);
    // React's decoder overflows its stack on ~4 000 levels (a 500): deeper than MAX_DEPTH is refused.
    const tooDeep = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
    expect((await refusedActionBody('text/plain', true, (await sent(tooDeep)).body))?.status).toBe(400);
    const fine = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    expect(await refusedActionBody('text/plain', true, (await sent(fine)).body)).toBeNull();
  });

  it('takes every reference React’s own client writes: repeated values, Map, Set, Date, BigInt, form', async () => {
    const shared = { x: [1, 2] };
    const form = new FormData();
    form.set('email', 'dana@acme.example');
    const state = { a: shared, b: shared, m: new Map([['k', 1]]), s: new Set([1]), d: new Date(0), n: 10n };
    const reply = await encodeReply([state, form]);
    expect(reply).toBeInstanceOf(FormData);
    const { type, body } = await sent(reply as FormData);
    expect(await refusedActionBody(type, true, body)).toBeNull();
    const text = await encodeReply([{ a: shared, b: shared, t: '$x', u: undefined }, 'x']);
    expect(typeof text).toBe('string');
    expect(
      await refusedActionBody('text/plain;charset=UTF-8', true, (await sent(text as string)).body),
    ).toBeNull();
  });

  it('refuses a form sent without JavaScript whose multipart does not parse: 400', async () => {
    const { body } = await sent('--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\nx');
    expect((await refusedActionBody('multipart/form-data; boundary=abc', false, body))?.status).toBe(400);
  });

  it('counts a body without a length as it arrives: 413 past the limit, and stops reading', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024).fill(97));
      },
    });
    expect((await refusedActionBody('text/plain', true, body))?.status).toBe(413);
    expect(pulled).toBeLessThan(ACTION_BODY_LIMIT / 1024 + 3);
    const atLimit = new Uint8Array(ACTION_BODY_LIMIT).fill(32);
    atLimit.set(new TextEncoder().encode('[]'));
    expect(await refusedActionBody('text/plain', true, (await sent(atLimit)).body)).toBeNull();
  });
});

describe('isActionPost', () => {
  it('is a POST to a page with Next-Action or a multipart body, as Next reads it', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(isActionPost('POST', '/profile', h({ 'next-action': 'ab' }))).toBe(true);
    expect(isActionPost('POST', '/sign-in', h({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe(
      true,
    );
    expect(isActionPost('POST', '/sign-in', h({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(
      false,
    );
    expect(isActionPost('GET', '/profile', h({ 'next-action': 'ab' }))).toBe(false);
    expect(isActionPost('POST', '/api/switch/events', h({ 'content-type': 'multipart/form-data' }))).toBe(
      false,
    );
  });

  it('puts a form sent without JavaScript under the same Origin and size rules', () => {
    const form = { host: 'portal.example', 'content-type': 'multipart/form-data; boundary=x' };
    expect(
      refusedActionPost('POST', '/sign-in', new Headers({ ...form, origin: 'https://evil.example' }))?.status,
    ).toBe(403);
    expect(
      refusedActionPost(
        'POST',
        '/sign-in',
        new Headers({ ...form, 'content-length': String(ACTION_BODY_LIMIT + 1) }),
      )?.status,
    ).toBe(413);
  });
});

describe('refusedAction', () => {
  const headers = (o: Record<string, string>) =>
    new Headers({ host: 'portal.example', 'next-action': 'ab', 'content-type': 'text/plain', ...o });

  it('reads no body of a request that is no action POST', async () => {
    const body = new ReadableStream<Uint8Array>();
    expect(await refusedAction('POST', '/api/switch/events', headers({}), body)).toBeNull();
    expect(await refusedAction('GET', '/profile', headers({}), body)).toBeNull();
    expect(body.locked).toBe(false); // reading it would have taken a reader
  });

  it('checks the headers first, then the body', async () => {
    const foreign = await sent('not json');
    expect(
      (await refusedAction('POST', '/profile', headers({ origin: 'https://evil.example' }), foreign.body))
        ?.status,
    ).toBe(403);
    expect(
      (await refusedAction('POST', '/profile', headers({}), (await sent('not json')).body))?.status,
    ).toBe(400);
    expect(await refusedAction('POST', '/profile', headers({}), (await sent('["$K1"]')).body)).toBeNull();
  });
});

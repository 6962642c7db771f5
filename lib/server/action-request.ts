// A POST that calls a server action which Next would refuse by throwing, answered with a 500: read by
// proxy.ts before Next reads the request (break-15; the body since the sixteenth session).
import busboy from 'busboy';
import { readStreamLimited } from '@/lib/server/read-body';
import { undecodableReply } from '@/lib/server/action-reply';

/** The server actions' body limit in bytes: next.config.js `experimental.serverActions.bodySizeLimit` (64 KiB). */
export const ACTION_BODY_LIMIT = 64 * 1024;

export type ActionRefusal = { status: 400 | 403 | 413; message: string };

const TOO_LARGE: ActionRefusal = { status: 413, message: 'A form may send at most 64 KiB.' };
const UNREADABLE: ActionRefusal = {
  status: 400,
  message: "This form's data could not be read. Send it again.",
};

/**
 * Whether Next reads this request as a server action's POST
 * (next/dist/server/lib/server-action-request-meta.js `getServerActionRequestMetadata`): a POST to a
 * page with a `Next-Action` header (a call from the page's JavaScript, a "fetch action") or a
 * `multipart/form-data` body (a form sent without JavaScript). Next also considers URL-encoded POSTs,
 * but answers them with the page. Route handlers (`/api/…`) read their own bodies: not an action.
 */
export function isActionPost(method: string, pathname: string, headers: Headers): boolean {
  if (method !== 'POST' || pathname.startsWith('/api/')) return false;
  return headers.has('next-action') || (headers.get('content-type') ?? '').startsWith('multipart/form-data');
}

/**
 * The hosts Next takes an action's Origin for (next/dist/server/app-render/action-handler.js
 * `parseHostHeader`): the first `X-Forwarded-Host` entry or `Host`. proxy.ts removes a client's own
 * `X-Forwarded-Host` unless a proxy the operator runs sets it (TRUSTED_PROXY_HOPS > 0).
 */
function requestHosts(headers: Headers): string[] {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return [forwarded, headers.get('host')].filter((h): h is string => !!h);
}

/**
 * Why the server-action POST (isActionPost) with these `headers` is refused, or null (Next handles it):
 * - 413 when its declared `Content-Length` passes ACTION_BODY_LIMIT (Next throws "Body exceeded");
 * - 403 when it has an `Origin` whose host is not the request's (requestHosts): Next's own CSRF rule
 *   for actions (next/dist/server/app-render/action-handler.js, without `allowedOrigins`, which
 *   Tollgate does not set), including the opaque origin `null` and an Origin that is not a URL (Next's
 *   `new URL` throws on it). A request without Origin is not a browser's: left to Next, as Next does.
 * Any other request is null.
 */
export function refusedActionPost(method: string, pathname: string, headers: Headers): ActionRefusal | null {
  if (!isActionPost(method, pathname, headers)) return null;
  if (Number(headers.get('content-length') ?? '0') > ACTION_BODY_LIMIT) return TOO_LARGE;
  const origin = headers.get('origin');
  if (origin === null) return null;
  const host = origin !== 'null' && URL.canParse(origin) ? new URL(origin).host : null;
  if (host === null || !requestHosts(headers).includes(host))
    return { status: 403, message: 'This form was sent from another site.' };
  return null;
}

/**
 * The fields of a multipart/form-data body as busboy reads it (the parser Next decodes a fetch
 * action's multipart body with: next/dist/compiled/busboy), or null when busboy cannot (no boundary,
 * cut short). A file is read past and kept as its name with a null value.
 */
function busboyFields(contentType: string, bytes: Buffer): Promise<Map<string, string | null> | null> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: ACTION_BODY_LIMIT } });
  } catch {
    return Promise.resolve(null); // no boundary, or not multipart at all
  }
  return new Promise((resolve) => {
    const fields = new Map<string, string | null>();
    parser.on('field', (name, value) => fields.set(name, value));
    parser.on('file', (name, stream) => {
      fields.set(name, null);
      stream.resume();
    });
    parser.on('error', () => resolve(null));
    parser.on('close', () => resolve(fields));
    parser.end(bytes);
  });
}

/**
 * Whether undici, which a form sent without JavaScript is parsed with (Next's action-handler.js
 * reads it with `Request.formData()`), reads this multipart/form-data body.
 */
async function undiciReads(contentType: string, bytes: Buffer): Promise<boolean> {
  try {
    await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
    return true;
  } catch {
    return false;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the body of a server-action POST (isActionPost) is refused, or null (Next reads it): read here,
 * from proxy.ts's copy of the request (Next keeps the original for the action), before Next decodes
 * it. Next throws on each of these and answers 500:
 * - 413 once the body passes ACTION_BODY_LIMIT, counted as it arrives (a chunked body declares no
 *   length; reading stops there);
 * - 400 for a `multipart/form-data` body that does not parse (no boundary, cut short) with the
 *   parser Next uses for it: busboy for a fetch action's, undici for a form sent without JavaScript;
 * - 400 for a fetch action's body that is not React's reply encoding at its root: a multipart body
 *   whose root field `0` is missing or not JSON, any other body that is not JSON (React's
 *   `encodeReply`; Next's action-handler.js decodes it with `decodeReply`);
 * - 400 for a reply React's decoder would throw on: one that names a part it does not carry
 *   (`["$1"]`), a path that part does not have (`["$0:a"]`), a BigInt that is not one (`["$nx"]`)
 *   (lib/server/action-reply.ts undecodableReply; Next answered each with 500, break-19).
 * `contentType` is the request's Content-Type header; `fetchAction` whether it has `Next-Action`.
 */
export async function refusedActionBody(
  contentType: string | null,
  fetchAction: boolean,
  body: ReadableStream<Uint8Array> | null,
): Promise<ActionRefusal | null> {
  const bytes = await readStreamLimited(body, ACTION_BODY_LIMIT);
  if (bytes === null) return TOO_LARGE;
  if (contentType?.startsWith('multipart/form-data')) {
    if (!fetchAction) return (await undiciReads(contentType, bytes)) ? null : UNREADABLE;
    const fields = await busboyFields(contentType, bytes);
    const root = fields?.get('0');
    return typeof root === 'string' && isJson(root) && undecodableReply(fields!) === null ? null : UNREADABLE;
  }
  if (!fetchAction) return null;
  const text = bytes.toString('utf8');
  return isJson(text) && undecodableReply(new Map([['0', text]])) === null ? null : UNREADABLE;
}

/**
 * Why a request that Next would read as a server action's POST (isActionPost) is refused, or null
 * (any other request, or one Next can read): refusedActionPost on its headers first, then
 * refusedActionBody on `body` (proxy.ts's copy of the request body; read only for an action POST).
 */
export async function refusedAction(
  method: string,
  pathname: string,
  headers: Headers,
  body: ReadableStream<Uint8Array> | null,
): Promise<ActionRefusal | null> {
  if (!isActionPost(method, pathname, headers)) return null;
  return (
    refusedActionPost(method, pathname, headers) ??
    refusedActionBody(headers.get('content-type'), headers.has('next-action'), body)
  );
}

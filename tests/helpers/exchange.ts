import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/**
 * A Node request for `target` (the request line's target, as `req.url` holds it) with `headers`
 * (lower-case names) and its response, on an unconnected socket: what scripts/serve.mjs hands to the
 * front door, without a server. Read the answer's headers with `res.getHeader`.
 */
export function fakeExchange(
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = target;
  req.headers = { host: 'localhost:3000', ...headers };
  return { req, res: new ServerResponse(req) };
}

import 'server-only';
import type { Instrumentation } from 'next';
import { errorForLog, log } from './log';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * Next.js's `onRequestError` (instrumentation.ts): a request that failed where nothing in Tollgate
 * caught it (a page whose read met a database timeout, a route handler, an action outside
 * `userAction` such as sign-in, the proxy). Logs one `error` line, `"msg":"request failed"`, with
 * `reference`, the error's digest that the error page shows the person (app/error.tsx: "quote
 * reference …"), `reqId` (the X-Request-Id proxy.ts gave the request, on its other lines), the method,
 * the path without its query (a sign-in link's token lives there), Next's route and route type, and
 * the error (errorForLog). Next.js prints its own plain-text dump as well; this line is the one a log
 * search by the reference or the request id finds. Never throws.
 */
export const logRequestError: Instrumentation.onRequestError = (error, request, context) => {
  try {
    const digest = (error as { digest?: unknown } | null)?.digest;
    const id = request.headers[REQUEST_ID_HEADER];
    log().error(
      {
        ...(typeof digest === 'string' ? { reference: digest } : {}),
        ...(typeof id === 'string' ? { reqId: id } : {}),
        method: request.method,
        path: request.path.split('?')[0],
        route: context.routePath,
        routeType: context.routeType,
        ...(context.renderSource ? { renderSource: context.renderSource } : {}),
        error: errorForLog(error),
      },
      'request failed',
    );
  } catch {
    // A logger that cannot write must not turn a failed request into a crashed process.
  }
};

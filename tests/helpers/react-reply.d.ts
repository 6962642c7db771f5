// React's client half of the server-action reply encoding, as Next bundles it (no types shipped).
// tests/unit/action-request.test.ts encodes arguments with it exactly as the browser does.
declare module 'next/dist/compiled/react-server-dom-webpack/client.node' {
  /** The reply a browser posts for a server action's arguments: JSON text, or FormData with parts. */
  export function encodeReply(value: unknown): Promise<string | FormData>;
}

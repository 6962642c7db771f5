// create-user's and set-password's password (CONTRACTS §1: "password read from stdin"). From a pipe
// or a file, as scripts and the tests give it: all of stdin. At a terminal: typed twice with echo off,
// through Node's readline with its output muted (no prompt library is a dependency of the project).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** The password could not be read: interrupted, no input, or two entries that differ. Nothing was written. */
export class PasswordEntryError extends Error {}

/** A terminal's input as readline drives it: `setRawMode` turns the terminal's own echo off. */
type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Lines typed at a terminal, never shown. One readline interface for every question, so the terminal
 * stays in raw mode (its own echo off) from the first prompt to the last answer; readline writes to
 * nowhere, so neither the typed characters nor its line editing are shown. `ask(prompt)` writes
 * `prompt` to `output` and resolves to the next line as typed (Enter ends it; Backspace edits it),
 * including one typed or pasted ahead of the prompt. Rejects with PasswordEntryError on Ctrl-C, and
 * on Ctrl-D or the end of input before Enter (its message ends in `unchanged`, as readPassword's). No
 * line is kept in a history (historySize 0). `close()` gives the terminal back.
 */
function hiddenLines(input: Input, output: NodeJS.WritableStream, unchanged: string) {
  const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: nowhere, terminal: true, historySize: 0, prompt: '' });
  const typed: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (e: PasswordEntryError) => void } | null = null;
  let ended: PasswordEntryError | null = null;
  let interrupted = false;
  rl.on('line', (line) => {
    if (!waiting) return void typed.push(line);
    output.write('\n'); // the Enter readline would have echoed
    waiting.resolve(line);
    waiting = null;
  });
  rl.on('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  rl.on('close', () => {
    ended = new PasswordEntryError(
      interrupted ? `interrupted: ${unchanged}` : `no password typed: ${unchanged}`,
    );
    if (!waiting) return;
    output.write('\n');
    waiting.reject(ended);
    waiting = null;
  });
  return {
    ask: (prompt: string) =>
      new Promise<string>((resolve, reject) => {
        output.write(prompt);
        const ahead = typed.shift();
        if (ahead !== undefined) {
          output.write('\n');
          resolve(ahead);
        } else if (ended) {
          output.write('\n');
          reject(ended);
        } else waiting = { resolve, reject };
      }),
    close: () => rl.close(),
  };
}

/** All of a piped `input`, as text, less one final line ending (`echo "$PASSWORD" |` adds one). */
async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * create-user's and set-password's password. Piped (not a terminal): all of `input` less one final
 * line ending; a second line stays in it, and the command refuses a password with a line break. At a
 * terminal: asked with echo off (hiddenLines), then asked again, and two entries that differ are
 * refused with PasswordEntryError, whose message ends in `unchanged` (what the command did not do:
 * "nothing was created", "nothing was changed").
 * Before (review, session 42) the terminal echoed it ("Password (then Enter, Ctrl-D)") and an
 * operator who typed it twice stored `pw⏎pw`, a password no browser's password field can type.
 */
export async function readPassword(
  input: Input = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
  unchanged = 'nothing was created',
): Promise<string> {
  if (!input.isTTY) return readAll(input);
  const lines = hiddenLines(input, output, unchanged);
  try {
    const first = await lines.ask('Password (not shown): ');
    const again = await lines.ask('The same password again: ');
    if (first !== again) throw new PasswordEntryError(`the two passwords differ: ${unchanged}`);
    return first;
  } finally {
    lines.close();
  }
}

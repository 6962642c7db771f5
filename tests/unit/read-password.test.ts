import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PasswordEntryError, readPassword } from '@/scripts/lib/read-password';

// create-user's password (scripts/lib/read-password.ts). Review, session 42: at a terminal it was
// echoed ("Password (then Enter, Ctrl-D)"), and typed twice it was stored as `pw⏎pw`.

/** A terminal as readline sees one: keys typed into `input`, what it shows collected from `output`. */
function terminal() {
  const modes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(raw: boolean) {
      modes.push(raw);
      return input;
    },
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString('utf8')));
  return { input, output, modes, shown: () => shown };
}

const settle = (p: Promise<string>) =>
  p.then(
    (v) => ({ ok: v }),
    (e: Error) => ({ error: e instanceof PasswordEntryError ? e.message : `${e}` }),
  );

describe('the password of create-user', () => {
  it('at a terminal: asked twice, with the terminal in raw mode (no echo), and never shown', async () => {
    const t = terminal();
    const read = readPassword(t.input, t.output);
    t.input.write('harbour lanterx\x7fn\r'); // Backspace edits the line, as at any prompt
    t.input.write('harbour lantern\r');
    expect(await settle(read)).toEqual({ ok: 'harbour lantern' });
    expect(t.shown()).toBe('Password (not shown): \nThe same password again: \n');
    expect(t.modes).toEqual([true, false]); // the terminal is given back
  });

  it('at a terminal: two entries that differ, Ctrl-C and Ctrl-D are refused', async () => {
    const differ = terminal();
    const read = readPassword(differ.input, differ.output);
    differ.input.write('harbour lantern\rharbour lanterns\r');
    expect(await settle(read)).toEqual({ error: 'the two passwords differ: nothing was created' });

    const interrupted = terminal();
    const stopped = readPassword(interrupted.input, interrupted.output);
    interrupted.input.write('harb\x03');
    expect(await settle(stopped)).toEqual({ error: 'interrupted: nothing was created' });
    expect(interrupted.shown()).not.toContain('harb');

    const ended = terminal();
    const nothing = readPassword(ended.input, ended.output);
    ended.input.write('harbour lantern\r\x04');
    expect(await settle(nothing)).toEqual({ error: 'no password typed: nothing was created' });
  });

  it('from a pipe: all of it, less one final line ending; a second line stays for createUser to refuse', async () => {
    const piped = async (text: string) => {
      const input = new PassThrough();
      input.end(text);
      return readPassword(input, new PassThrough());
    };
    expect(await piped('harbour lantern\n')).toBe('harbour lantern');
    expect(await piped('harbour lantern\r\n')).toBe('harbour lantern');
    expect(await piped('harbour lantern')).toBe('harbour lantern');
    expect(await piped('pw\npw\n')).toBe('pw\npw');
  });
});

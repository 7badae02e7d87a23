import { UsageError } from './args.js';
import type { Io } from './io.js';

/**
 * The new user's password: WANMI_PASSWORD, else typed at a hidden prompt on a terminal, else the first line of
 * stdin. Never from argv, where other users of the machine could read it in the process list.
 */
export async function readPassword(io: Io): Promise<string> {
  const fromEnv = io.env.WANMI_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const password = io.stdin.isTTY ? await prompt(io) : await firstLine(io.stdin);
  if (password === '') throw new UsageError('no password: set WANMI_PASSWORD or write it on stdin');
  return password;
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/u)[0] ?? '';
}

/** Reads a line from the terminal without echoing it. */
function prompt(io: Io): Promise<string> {
  const { stdin } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    io.err('Password (not shown): ');
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** What a command reads and writes besides the data dir: results on `out`, progress and messages on `err`. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: process.stdin,
};

/** 150000 → "150,000". */
export const n = (value: number) => value.toLocaleString('en-US');

/** Milliseconds → "12.3 s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// The `wanmi` command line: parses argv, runs one command, maps its errors to exit codes.

import { CommandFailed, UsageError } from './args.js';
import { demoCommand, demoUsage } from './commands/demo.command.js';
import { doctorCommand, doctorUsage } from './commands/doctor.command.js';
import { importCommand, importUsage } from './commands/import.command.js';
import { mosquittoCommand, mosquittoUsage } from './commands/mosquitto.command.js';
import { serveCommand, serveUsage } from './commands/serve.command.js';
import { usersCommand, usersUsage } from './commands/users.command.js';
import { type Io, processIo } from './io.js';

const USAGE = `usage: ${importUsage}
       ${usersUsage}
       ${doctorUsage}
       ${demoUsage}
       ${serveUsage}
       ${mosquittoUsage}
Without --config or --data-dir a command works on WANMI_DATA_DIR, else ./data/demo (the npm start demo).`;

const commands: Record<string, (args: readonly string[], io: Io) => void | Promise<void>> = {
  import: importCommand,
  users: usersCommand,
  doctor: doctorCommand,
  demo: demoCommand,
  serve: serveCommand,
  mosquitto: mosquittoCommand,
};

/** Runs one command line; resolves with the exit code (0 ok, 1 failed, 2 usage error). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (${Object.keys(commands).join(', ')})`);
    await command(args, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`wanmi ${name}: ${error.message} (wanmi help for usage)`);
      return 2;
    }
    if (error instanceof CommandFailed) {
      io.err(`wanmi ${name}: ${error.message}`);
      return 1;
    }
    const detail =
      error instanceof Error ? (io.env.WANMI_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    io.err(`wanmi ${name}: ${detail}${io.env.WANMI_DEBUG ? '' : ' (WANMI_DEBUG=1 shows the stack)'}`);
    return 1;
  }
}

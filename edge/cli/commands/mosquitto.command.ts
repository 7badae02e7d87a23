import { renderMosquittoAcl, renderMosquittoConf } from '../../gps/mosquitto-config.js';
import { parse, UsageError } from '../args.js';
import type { Io } from '../io.js';

export const mosquittoUsage =
  'wanmi mosquitto acl --district <6 digits> --ingest-user <name> [--reader <name>]... | ' +
  'wanmi mosquitto conf --port <n> [--bind <addr>] --password-file <f> --acl-file <f> [--persistence-dir <d>]';

/**
 * Prints the production Mosquitto ACL or conf (DESIGN.md §5) from the one renderer the integration suite runs the
 * broker with; Ansible writes its output to /etc/mosquitto (ansible/roles/mosquitto).
 */
export function mosquittoCommand(args: readonly string[], io: Io): void {
  const { values, positionals } = parse(
    args,
    {
      district: { type: 'string' },
      'ingest-user': { type: 'string' },
      reader: { type: 'string', multiple: true },
      port: { type: 'string' },
      bind: { type: 'string' },
      'password-file': { type: 'string' },
      'acl-file': { type: 'string' },
      'persistence-dir': { type: 'string' },
    },
    ['acl|conf'],
  );
  const what = positionals[0];
  const need = (name: string): string => {
    const v = values[name];
    if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
    return v;
  };
  if (what === 'acl') {
    const district = need('district');
    if (!/^\d{6}$/.test(district)) throw new UsageError('--district must be a 6-digit division code');
    const ingestUser = need('ingest-user');
    const readers = (values.reader as string[] | undefined) ?? [];
    for (const name of [ingestUser, ...readers]) {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
        throw new UsageError(`user name "${name}" must be 1-64 of A-Z a-z 0-9 _ . -`);
    }
    io.out(renderMosquittoAcl({ district, ingestUser, readers }));
    return;
  }
  if (what === 'conf') {
    const port = Number(need('port'));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be 1-65535');
    const persistence = values['persistence-dir'];
    io.out(
      renderMosquittoConf({
        port,
        ...(typeof values.bind === 'string' ? { bind: values.bind } : {}),
        passwordFile: need('password-file'),
        aclFile: need('acl-file'),
        ...(typeof persistence === 'string' ? { persistenceDir: persistence } : {}),
      }),
    );
    return;
  }
  throw new UsageError(`mosquitto: say acl or conf, not "${what}"`);
}

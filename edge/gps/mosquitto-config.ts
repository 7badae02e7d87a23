import { ValidationError } from '../../shared/validation.js';

/**
 * Mosquitto configuration for production (DESIGN.md §5): per-device passwords and an ACL that lets each device
 * publish only its own topic. Rendered here as text so that the integration suite runs the broker with exactly
 * what the README documents; Ansible renders the same files from `firmware-config/` (see edge/gps/README.md).
 *
 * Identity convention: a vehicle tracker logs in with its vehicle id as username (`%u` in the vehicle topic), a
 * collector's OwnTracks app with its OwnTracks user (`%u` in `owntracks/<user>/<device>`).
 */
export interface AclOptions {
  /** 6-digit division code. */
  district: string;
  /** The edge ingest's username (reads device topics, writes alarms/status/cases). */
  ingestUser: string;
  /** Read-only consumers of alarms and case changes (video wall, integrations). */
  readers?: readonly string[];
}

/** Broker usernames in the ACL: no spaces, newlines, `#`, `+` or `/` that could widen or inject a rule. */
const userPattern = /^[A-Za-z0-9_.-]{1,64}$/;

export function renderMosquittoAcl(o: AclOptions): string {
  if (!/^\d{6}$/.test(o.district)) throw new ValidationError('district', 'must be a 6-digit division code');
  for (const [field, name] of [
    ['ingestUser', o.ingestUser],
    ...(o.readers ?? []).map((r, i) => [`readers[${i}]`, r]),
  ]) {
    if (typeof name !== 'string' || !userPattern.test(name)) {
      throw new ValidationError(field as string, 'must be 1–64 of A–Z a–z 0–9 _ . -');
    }
  }
  const base = `wanmi/v1/${o.district}`;
  const lines = [
    '# Wanmi GPS ACL (mosquitto acl_file). Generated; edit the template in edge/gps/mosquitto-config.ts.',
    `user ${o.ingestUser}`,
    `topic read ${base}/vehicles/+/position`,
    'topic read owntracks/+/+',
    'topic read owntracks/+/+/event',
    `topic write ${base}/alarms/#`,
    `topic write ${base}/cases/#`,
    `topic readwrite ${base}/status`,
    '',
  ];
  for (const reader of o.readers ?? []) {
    lines.push(
      `user ${reader}`,
      `topic read ${base}/alarms/#`,
      `topic read ${base}/cases/#`,
      `topic read ${base}/status`,
      '',
    );
  }
  lines.push(
    '# Every other user is a device: it may publish its own topic only (%u = its username).',
    `pattern write ${base}/vehicles/%u/position`,
    'pattern write owntracks/%u/+',
    'pattern write owntracks/%u/+/event',
    'pattern read owntracks/%u/+/cmd',
    '',
  );
  return lines.join('\n');
}

export interface BrokerConfOptions {
  port: number;
  bind?: string;
  passwordFile: string;
  aclFile: string;
  /** Production: a directory on disk so sessions and queued QoS 1 messages survive a broker restart. */
  persistenceDir?: string;
  /** Queued QoS 1 messages per offline persistent session (the appliance restarting): size it for the fleet. */
  maxQueuedMessages?: number;
  extra?: readonly string[];
}

/** mosquitto.conf for the district broker (TLS listener lines go in `extra` in production). */
export function renderMosquittoConf(o: BrokerConfOptions): string {
  return [
    `listener ${o.port} ${o.bind ?? '127.0.0.1'}`,
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    // The ingest's persistent session must hold everything published while the appliance restarts:
    // 500 vehicles at 1 Hz for 10 minutes is 300,000 messages.
    `max_queued_messages ${o.maxQueuedMessages ?? 1_000_000}`,
    'max_inflight_messages 1000',
    'persistent_client_expiration 14d',
    ...(o.persistenceDir ? ['persistence true', `persistence_location ${o.persistenceDir}/`] : ['persistence false']),
    ...(o.extra ?? []),
    '',
  ].join('\n');
}

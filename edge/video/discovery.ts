import onvif from 'onvif';

// `onvif` is CommonJS and Node's ESM loader only finds `Cam` as a named export; Discovery comes off the default.
const { Discovery } = onvif;

/** A device answering a WS-Discovery probe. */
export interface DiscoveredDevice {
  /** The device's endpoint reference (urn:uuid:…), stable across reboots. */
  urn: string;
  /** Its device service address. */
  xaddr: string;
  name?: string;
}

/** Finds ONVIF devices on the LAN; injected so tests and the demo need no multicast. */
export interface CameraDiscovery {
  probe(timeoutMs: number): Promise<DiscoveredDevice[]>;
}

let errorListener = false;

/** WS-Discovery through the `onvif` package (UDP multicast 239.255.255.250:3702). */
export const wsDiscovery: CameraDiscovery = {
  probe(timeoutMs) {
    // The package emits 'error' for every malformed reply on the LAN; unheard, an 'error' event would throw.
    if (!errorListener) {
      Discovery.on('error', (message: unknown) =>
        console.log(
          JSON.stringify({
            level: 'warn',
            area: 'video',
            msg: 'bad WS-Discovery reply',
            detail: String(message).slice(0, 200),
          }),
        ),
      );
      errorListener = true;
    }
    return new Promise((resolve, reject) => {
      Discovery.probe({ timeout: timeoutMs, resolve: false }, (err, devices) => {
        if (err && !devices?.length) return reject(Array.isArray(err) ? err[0] : err);
        resolve((devices ?? []).flatMap((d) => parseProbeMatch(d)));
      });
    });
  },
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof (v as { _?: unknown })?._ === 'string' ? (v as { _: string })._ : undefined;

/** A probe match as the `onvif` package hands it (`resolve: false`) → device; nothing when it lacks an address. */
export function parseProbeMatch(raw: unknown): DiscoveredDevice[] {
  const match = (raw as { probeMatches?: { probeMatch?: unknown } } | null)?.probeMatches?.probeMatch;
  const m = (Array.isArray(match) ? match[0] : match) as
    | { endpointReference?: { address?: unknown }; XAddrs?: unknown; scopes?: unknown }
    | undefined;
  const xaddr = str(m?.XAddrs)?.trim().split(/\s+/)[0];
  const urn = str(m?.endpointReference?.address);
  const name = /onvif:\/\/www\.onvif\.org\/name\/(\S+)/.exec(str(m?.scopes) ?? '')?.[1];
  if (!xaddr || !urn || !/^https?:\/\//.test(xaddr)) return [];
  return [{ urn, xaddr, ...(name ? { name: decodeURIComponent(name) } : {}) }];
}

/** A stable camera id for a discovered device: `onvif-` + the last 12 hex digits of its urn. */
export function discoveredId(urn: string): string {
  const hex = urn.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return `onvif-${hex.slice(-12) || 'unknown'}`;
}

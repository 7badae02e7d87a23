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

/** WS-Discovery through the `onvif` package (UDP multicast 239.255.255.250:3702). */
export const wsDiscovery: CameraDiscovery = {
  probe(timeoutMs) {
    return new Promise((resolve, reject) => {
      Discovery.probe({ timeout: timeoutMs, resolve: false }, (err, devices) => {
        if (err && !devices?.length) return reject(Array.isArray(err) ? err[0] : err);
        resolve((devices ?? []).flatMap((d) => parseProbeMatch(d)));
      });
    });
  },
};

/** A raw probe match (xml2js shape from the `onvif` package) → device, or nothing when it lacks an address. */
export function parseProbeMatch(raw: unknown): DiscoveredDevice[] {
  const json = JSON.stringify(raw ?? {});
  const xaddr = /"(?:[\w]+:)?XAddrs"\s*:\s*\[?"([^"]+)"/.exec(json)?.[1]?.split(/\s+/)[0];
  const urn = /"(?:[\w]+:)?Address"\s*:\s*\[?"([^"]+)"/.exec(json)?.[1];
  const name = /onvif:\/\/www\.onvif\.org\/name\/([^\s"]+)/.exec(json)?.[1];
  if (!xaddr || !urn) return [];
  return [{ urn, xaddr, ...(name ? { name: decodeURIComponent(name) } : {}) }];
}

/** A stable camera id for a discovered device: `onvif-` + the last 12 hex digits of its urn. */
export function discoveredId(urn: string): string {
  const hex = urn.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return `onvif-${hex.slice(-12) || 'unknown'}`;
}

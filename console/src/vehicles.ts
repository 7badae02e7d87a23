import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api.js';

/** The latest state of one tracked device (edge/gps LiveState). */
export interface Vehicle {
  deviceId: number;
  deviceKey: string;
  kind: string;
  name: string;
  group: string;
  ts: number;
  lat: number;
  lon: number;
  speedKmh?: number;
  moving: boolean;
}

/** The GPS feature's snapshot and live feed; absent (404) while that feature is off. */
export const VEHICLES_PATH = '/api/v1/vehicles/positions';
const LIVE_PATH = '/api/v1/vehicles/live';

type Payload = { version: number; positions: Vehicle[] };

/**
 * Live vehicle and collector positions: one snapshot, then Server-Sent Events with the devices that changed
 * (the edge aggregates per device, so a slow console skips states instead of queueing them).
 */
export function useVehicles(): { available: boolean | null; list: Vehicle[] } {
  const [state, setState] = useState<{ available: boolean | null; list: Vehicle[] }>({ available: null, list: [] });
  useEffect(() => {
    const devices = new Map<number, Vehicle>();
    let source: EventSource | null = null;
    let stopped = false;
    const publish = () => setState({ available: true, list: [...devices.values()] });
    const merge = (p: Payload) => {
      for (const v of p.positions) devices.set(v.deviceId, v);
      publish();
    };
    api
      .get<Payload>(VEHICLES_PATH)
      .then((snapshot) => {
        if (stopped) return;
        merge(snapshot);
        source = new EventSource(LIVE_PATH);
        source.addEventListener('positions', (e) => merge(JSON.parse((e as MessageEvent<string>).data) as Payload));
      })
      .catch((e: unknown) => {
        if (!stopped) setState({ available: e instanceof ApiError && e.status >= 500 ? null : false, list: [] });
      });
    return () => {
      stopped = true;
      source?.close();
    };
  }, []);
  return state;
}

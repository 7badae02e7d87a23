import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export interface Vehicle {
  id: string;
  lon: number;
  lat: number;
  speed: number | null;
  at: string | null;
}

/** Where the GPS feature publishes vehicles; absent (404) until that feature is on. */
export const VEHICLES_PATH = '/api/v1/vehicles';

function normalise(raw: unknown): Vehicle[] {
  const list = Array.isArray(raw) ? raw : ((raw as { vehicles?: unknown[] } | null)?.vehicles ?? []);
  return list.flatMap((v) => {
    const o = v as Record<string, unknown>;
    const pos = (o.position ?? o) as Record<string, unknown>;
    const lon = Number(pos.lon);
    const lat = Number(pos.lat);
    const id = String(o.id ?? o.vehicleId ?? '');
    if (!id || !Number.isFinite(lon) || !Number.isFinite(lat)) return [];
    const at = pos.ts ?? pos.at ?? o.at;
    return [{ id, lon, lat, speed: typeof pos.speed === 'number' ? pos.speed : null, at: at ? String(at) : null }];
  });
}

/** Live vehicle positions, polled every 2 s; `available` is false when the endpoint is not there. */
export function useVehicles(): { available: boolean | null; list: Vehicle[] } {
  const [state, setState] = useState<{ available: boolean | null; list: Vehicle[] }>({ available: null, list: [] });
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const raw = await api.get<unknown>(VEHICLES_PATH);
        if (!stop) setState({ available: true, list: normalise(raw) });
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (!stop) setState({ available: status === 404 ? false : null, list: [] });
        if (status === 404 || status === 403) return;
      }
      if (!stop) timer = setTimeout(tick, 2000);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

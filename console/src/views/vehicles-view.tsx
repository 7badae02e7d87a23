import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, duration } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import type { Fix } from '../map/track-map.js';
import { Loading, usePoll } from '../ui/common.js';
import { useVehicles, VEHICLES_PATH, type Vehicle } from '../vehicles.js';

const TrackMap = lazy(() => import('../map/track-map.js').then((m) => ({ default: m.TrackMap })));

interface Alarm {
  id: number;
  type: string;
  deviceKey: string;
  ts: number;
  speed: number | null;
}
interface Trip {
  from: number;
  to: number;
  durationS: number;
  distanceM: number;
}
interface Stop {
  from: number;
  durationS: number;
  lat: number;
  lon: number;
}

/** Track playback of one device over the hour before its last fix, with its trips and stops. */
function Playback({ vehicle }: { vehicle: Vehicle }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<{ fixes: Fix[]; trips: Trip[]; stops: Stop[] } | null>(null);
  useEffect(() => {
    const to = vehicle.ts + 1;
    const from = to - 3_600_000;
    const q = `from=${from}&to=${to}`;
    setData(null);
    Promise.all([
      api.get<{ fixes: Fix[] }>(`/api/v1/devices/${vehicle.deviceId}/track?${q}`),
      api.get<{ trips: Trip[]; stops: Stop[] }>(`/api/v1/devices/${vehicle.deviceId}/trips?${q}`),
    ])
      .then(([track, segs]) => setData({ fixes: track.fixes, trips: segs.trips, stops: segs.stops }))
      .catch(() => setData({ fixes: [], trips: [], stops: [] }));
    // The playback follows the selected device, not each live update of it.
  }, [vehicle.deviceId]);
  if (!data) return <Loading />;
  return (
    <section class="panel" aria-labelledby="track-title" data-testid="playback">
      <h2 id="track-title">
        {t('vehicles.track')}: <span class="data">{vehicle.name || vehicle.deviceKey}</span>
      </h2>
      {data.fixes.length === 0 ? (
        <p class="muted">{t('app.empty')}</p>
      ) : (
        <Suspense fallback={<Loading />}>
          <TrackMap fixes={data.fixes} stops={data.stops} />
        </Suspense>
      )}
      <h3>{t('vehicles.trips')}</h3>
      <ul class="plain" data-testid="trips">
        {data.trips.map((x) => (
          <li key={x.from}>
            {dateTime(new Date(x.from).toISOString(), lang)} · {duration(t, x.durationS * 1000)} ·{' '}
            {t('vehicles.distance', { km: (x.distanceM / 1000).toFixed(2) })}
          </li>
        ))}
      </ul>
      <h3>{t('vehicles.stops')}</h3>
      <ul class="plain">
        {data.stops.map((x) => (
          <li key={x.from}>
            {dateTime(new Date(x.from).toISOString(), lang)} · {duration(t, x.durationS * 1000)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function VehiclesView() {
  const { t, lang } = useI18n();
  const { available, list } = useVehicles();
  const [selected, setSelected] = useState<number | null>(null);
  const alarms = usePoll((s) => api.get<{ alarms: Alarm[] }>('/api/v1/gps/alarms?limit=50', s), 10_000, []);
  const chosen = list.find((v) => v.deviceId === selected);
  return (
    <section aria-labelledby="veh-title" class="vehicles">
      <h1 id="veh-title">{t('vehicles.title')}</h1>
      {available === null && <Loading />}
      {available === false && (
        <p class="empty-state" data-testid="vehicles-unavailable">
          {t('vehicles.unavailable')} <code class="data">{VEHICLES_PATH}</code>
        </p>
      )}
      {available && list.length === 0 && <p class="empty-state">{t('vehicles.none')}</p>}
      {available && list.length > 0 && (
        <div class="case-grid">
          <section class="panel">
            <p>{t('vehicles.count', { n: list.length })}</p>
            <div class="table-wrap">
              <table class="cases">
                <thead>
                  <tr>
                    <th scope="col">{t('vehicles.id')}</th>
                    <th scope="col">{t('vehicles.kind')}</th>
                    <th scope="col">{t('vehicles.position')}</th>
                    <th scope="col">{t('vehicles.speed')}</th>
                    <th scope="col">{t('vehicles.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((v) => (
                    <tr key={v.deviceId} data-vehicle={v.deviceKey} data-lon={v.lon} data-lat={v.lat}>
                      <td>
                        <button
                          type="button"
                          class="link data"
                          onClick={() => setSelected(v.deviceId)}
                          aria-pressed={selected === v.deviceId}
                        >
                          {v.name || v.deviceKey}
                        </button>
                      </td>
                      <td>{t(v.kind === 'collector' ? 'vehicles.kind.collector' : 'vehicles.kind.vehicle')}</td>
                      <td class="data mono">
                        {v.lon.toFixed(5)}, {v.lat.toFixed(5)}
                      </td>
                      <td class="mono">{v.speedKmh === undefined ? '—' : `${Math.round(v.speedKmh)} km/h`}</td>
                      <td>{dateTime(new Date(v.ts).toISOString(), lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {chosen && <Playback key={chosen.deviceId} vehicle={chosen} />}
          <section class="panel" aria-labelledby="alarms-title">
            <h2 id="alarms-title">{t('vehicles.alarms')}</h2>
            {(alarms.value?.alarms ?? []).length === 0 ? (
              <p class="muted">{t('vehicles.alarms.none')}</p>
            ) : (
              <ul class="plain">
                {alarms.value?.alarms.map((a) => (
                  <li key={a.id} data-alarm={a.type}>
                    <span class="tag">{t(dynamicKey('alarm', a.type))}</span> <span class="data">{a.deviceKey}</span> ·{' '}
                    {dateTime(new Date(a.ts).toISOString(), lang)}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

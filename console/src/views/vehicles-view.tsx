import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Loading } from '../ui/common.js';
import { useVehicles, VEHICLES_PATH } from '../vehicles.js';

export function VehiclesView() {
  const { t, lang } = useI18n();
  const { available, list } = useVehicles();
  return (
    <section aria-labelledby="veh-title">
      <h1 id="veh-title">{t('vehicles.title')}</h1>
      {available === null && <Loading />}
      {available === false && (
        <p class="empty-state" data-testid="vehicles-unavailable">
          {t('vehicles.unavailable', { path: VEHICLES_PATH })}
        </p>
      )}
      {available && list.length === 0 && <p class="empty-state">{t('vehicles.none')}</p>}
      {available && list.length > 0 && (
        <>
          <p>{t('vehicles.count', { n: list.length })}</p>
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
                  <td class="data">{v.name || v.deviceKey}</td>
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
        </>
      )}
    </section>
  );
}

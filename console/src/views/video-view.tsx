import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { Loading } from '../ui/common.js';

const CAMERAS_PATH = '/api/v1/cameras';
interface Camera {
  id: string;
  name: string;
  status?: string;
}

/** The video wall: a grid of camera tiles; an honest empty state until the video feature is on. */
export function VideoView() {
  const { t } = useI18n();
  const [cameras, setCameras] = useState<Camera[] | null | false>(null);
  useEffect(() => {
    api
      .get<{ cameras?: Camera[] } | Camera[]>(CAMERAS_PATH)
      .then((r) => setCameras(Array.isArray(r) ? r : (r.cameras ?? [])))
      .catch(() => setCameras(false));
  }, []);
  return (
    <section aria-labelledby="video-title">
      <h1 id="video-title">{t('video.title')}</h1>
      {cameras === null && <Loading />}
      {cameras === false && (
        <p class="empty-state" data-testid="video-unavailable">
          {t('video.unavailable', { path: CAMERAS_PATH })}
        </p>
      )}
      {cameras && cameras.length === 0 && <p class="empty-state">{t('video.none')}</p>}
      {cameras && cameras.length > 0 && (
        <div class="wall">
          {cameras.map((c) => (
            <figure key={c.id} class="tile" data-camera={c.id}>
              <figcaption>
                {t('video.camera', { name: '' })}
                <span class="data">{c.name}</span>
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { categoryLabel, useSession } from '../session.js';
import { ErrorNote, Loading, usePoll } from '../ui/common.js';
import { mseSupported, type Playback, playJsmpeg, playMse } from './live-player.js';

export const CAMERAS_PATH = '/api/v1/cameras';

interface Camera {
  id: string;
  name: string;
  health?: Record<string, unknown>;
}
interface Candidate {
  id: string;
  source: 'gps' | 'camera';
  sourceId: string;
  rule: string;
  categoryKind: string | null;
  categoryCode: string | null;
  description: string;
  photoSha256: string | null;
  observedAt: number;
  repeats: number;
  status: string;
}

/** One live tile: MSE (H.264 passthrough) when the browser can, JSMpeg (MPEG-1) otherwise or on request. */
function Tile({ camera }: { camera: Camera }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const playback = useRef<Playback | null>(null);
  const [mode, setMode] = useState<'idle' | 'mse' | 'jsmpeg'>('idle');
  const [frames, setFrames] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const framesRef = useRef(0);
  useEffect(() => {
    const timer = setInterval(() => setFrames(framesRef.current), 1000);
    return () => {
      clearInterval(timer);
      playback.current?.stop();
    };
  }, []);
  const start = (want: 'mse' | 'jsmpeg') => {
    playback.current?.stop();
    setError(null);
    const frame = () => {
      framesRef.current += 1;
    };
    if (want === 'mse' && video.current && mseSupported()) {
      setMode('mse');
      playback.current = playMse(video.current, camera.id, {
        frame,
        unsupported: () => start('jsmpeg'),
        error: (m) => setError(m),
      });
    } else if (canvas.current) {
      setMode('jsmpeg');
      playback.current = playJsmpeg(canvas.current, camera.id, { frame });
    }
  };
  const stop = () => {
    playback.current?.stop();
    playback.current = null;
    setMode('idle');
  };
  return (
    <figure class="tile" data-camera={camera.id} data-mode={mode} data-frames={frames}>
      <video
        ref={video}
        muted
        playsInline
        hidden={mode !== 'mse'}
        aria-label={t('video.camera', { name: camera.name })}
      />
      <canvas
        ref={canvas}
        width={640}
        height={360}
        hidden={mode !== 'jsmpeg'}
        aria-label={t('video.camera', { name: camera.name })}
      />
      <figcaption>
        <span class="data">{camera.name}</span>
        {mode === 'idle' ? (
          <>
            <button type="button" onClick={() => start('mse')} data-testid="play" data-play-all="1">
              {t('video.play')}
            </button>
            <button type="button" onClick={() => start('jsmpeg')} data-testid="play-fallback">
              {t('video.fallback')}
            </button>
          </>
        ) : (
          <button type="button" onClick={stop}>
            {t('video.stop')}
          </button>
        )}
        {error && <span class="error data">{error}</span>}
      </figcaption>
    </figure>
  );
}

function Candidates() {
  const { t, lang } = useI18n();
  const { categories, user } = useSession();
  const { value, error, refresh } = usePoll(
    (s) => api.get<{ candidates: Candidate[]; pending: number }>('/api/v1/candidates?status=pending&limit=50', s),
    5000,
    [],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const decide = async (c: Candidate, action: 'accept' | 'dismiss') => {
    setBusy(c.id);
    try {
      await api.post(
        `/api/v1/candidates/${c.id}/${action}`,
        action === 'dismiss' ? { reason: t('video.dismissReason') } : {},
      );
      setNote(null);
      refresh();
    } catch (e) {
      setNote(String((e as Error).message));
    } finally {
      setBusy(null);
    }
  };
  const mayDecide = user.role === 'operator' || user.role === 'shift_lead';
  return (
    <aside class="panel candidates" aria-labelledby="cand-title">
      <h2 id="cand-title">
        {t('video.candidates')} {value ? `(${value.pending})` : ''}
      </h2>
      {error ? <p class="muted">{t('video.candidates.unavailable')}</p> : null}
      {!value && !error && <Loading />}
      {value && value.candidates.length === 0 && <p class="muted">{t('video.candidates.none')}</p>}
      {note && <p class="error data">{note}</p>}
      <ul class="plain">
        {value?.candidates.map((c) => (
          <li key={c.id} data-candidate={c.id}>
            {c.photoSha256 && (
              <img class="thumb" src={`/api/v1/photos/${c.photoSha256}`} alt={t('case.photo', { n: 1 })} />
            )}
            <span class="tag">{t(c.source === 'camera' ? 'video.source.camera' : 'video.source.gps')}</span>
            <span class="data">{c.description}</span>{' '}
            <span class="data">{categoryLabel(categories, c.categoryKind, c.categoryCode)}</span>{' '}
            <time>{dateTime(new Date(c.observedAt).toISOString(), lang)}</time>
            {c.repeats > 0 && <span class="tag">{t('video.repeats', { n: c.repeats })}</span>}
            {mayDecide && (
              <span class="row">
                <button
                  type="button"
                  disabled={busy === c.id || !c.categoryCode}
                  onClick={() => void decide(c, 'accept')}
                >
                  {t('video.accept')}
                </button>
                <button type="button" disabled={busy === c.id} onClick={() => void decide(c, 'dismiss')}>
                  {t('video.dismiss')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** The video wall: live tiles and, beside them, camera alarms and vehicle alarms waiting as intake candidates. */
export function VideoWall() {
  const { t } = useI18n();
  const [cameras, setCameras] = useState<Camera[] | null | false>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<{ cameras: Camera[] }>(CAMERAS_PATH)
      .then((r) => setCameras(r.cameras))
      .catch((e: unknown) => {
        if ((e as { status?: number }).status === 404) setCameras(false);
        else setError(e);
      });
  }, []);
  return (
    <section aria-labelledby="video-title" class="video-screen">
      <div>
        <div class="toolbar">
          <h1 id="video-title">{t('video.title')}</h1>
          {cameras && cameras.length > 0 && (
            <button
              type="button"
              onClick={(e) => {
                const wall = (e.currentTarget as HTMLElement).closest('section');
                for (const b of wall?.querySelectorAll<HTMLButtonElement>('[data-play-all]') ?? []) b.click();
              }}
            >
              {t('video.playAll')}
            </button>
          )}
        </div>
        {error ? <ErrorNote error={error} /> : null}
        {cameras === null && !error && <Loading />}
        {cameras === false && (
          <p class="empty-state" data-testid="video-unavailable">
            {t('video.unavailable')} <code class="data">{CAMERAS_PATH}</code>
          </p>
        )}
        {cameras && cameras.length === 0 && <p class="empty-state">{t('video.none')}</p>}
        {cameras && cameras.length > 0 && (
          <div class="wall">
            {cameras.map((c) => (
              <Tile key={c.id} camera={c} />
            ))}
          </div>
        )}
      </div>
      <Candidates />
    </section>
  );
}

import JSMpeg from '@cycjimmy/jsmpeg-player';

/** The relay's WebSocket URL on this appliance (same origin: the session cookie goes with the upgrade). */
export function liveUrl(cameraId: string, mode: 'mse' | 'jsmpeg'): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/cameras/${encodeURIComponent(cameraId)}/live?mode=${mode}`;
}

export function mseSupported(): boolean {
  return typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"');
}

export interface Playback {
  stop(): void;
}

/**
 * H.264 passthrough: a JSON `{type:'init', mime}`, then the fMP4 init segment and fragments. Keeps the playhead
 * near the live edge and trims old media so a tile on the wall for hours keeps a small buffer.
 */
export function playMse(
  video: HTMLVideoElement,
  cameraId: string,
  on: { frame(): void; unsupported(mime: string): void; error(msg: string): void },
): Playback {
  const queue: ArrayBuffer[] = [];
  let sb: SourceBuffer | null = null;
  const pump = () => {
    if (!sb || sb.updating || queue.length === 0) return;
    try {
      sb.appendBuffer(queue.shift() as ArrayBuffer);
    } catch (e) {
      on.error(String(e));
    }
  };
  const ws = new WebSocket(liveUrl(cameraId, 'mse'));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') {
      const msg = JSON.parse(e.data) as { type?: string; mime?: string; message?: string };
      if (msg.type === 'error') on.error(msg.message ?? 'relay error');
      if (msg.type !== 'init' || !msg.mime) return;
      if (!MediaSource.isTypeSupported(msg.mime)) {
        ws.close();
        on.unsupported(msg.mime);
        return;
      }
      const ms = new MediaSource();
      video.src = URL.createObjectURL(ms);
      ms.addEventListener('sourceopen', () => {
        const buffer = ms.addSourceBuffer(msg.mime as string);
        buffer.mode = 'segments';
        buffer.addEventListener('updateend', () => {
          const b = video.buffered;
          if (b.length) {
            const end = b.end(b.length - 1);
            if (end - video.currentTime > 1.5) video.currentTime = end - 0.3;
            if (video.currentTime - b.start(0) > 10 && !buffer.updating) {
              buffer.remove(b.start(0), video.currentTime - 5);
              return;
            }
          }
          pump();
        });
        sb = buffer;
        pump();
        video.play().catch((err) => on.error(String(err)));
      });
      return;
    }
    queue.push(e.data as ArrayBuffer);
    pump();
  };
  ws.onerror = () => on.error('websocket');
  let stopped = false;
  const onFrame = () => {
    if (stopped) return;
    on.frame();
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return {
    stop() {
      stopped = true;
      ws.close();
      video.removeAttribute('src');
      video.load();
    },
  };
}

/** The fallback for cameras whose codec the browser cannot play (H.265): MPEG-1 decoded in the page (JSMpeg). */
export function playJsmpeg(canvas: HTMLCanvasElement, cameraId: string, on: { frame(): void }): Playback {
  const player = new JSMpeg.Player(liveUrl(cameraId, 'jsmpeg'), {
    canvas,
    autoplay: true,
    audio: false,
    disableGl: true,
    videoBufferSize: 512 * 1024,
    onVideoDecode: () => on.frame(),
  });
  return { stop: () => player.destroy() };
}

declare module '@cycjimmy/jsmpeg-player' {
  interface PlayerOptions {
    canvas: HTMLCanvasElement;
    autoplay?: boolean;
    audio?: boolean;
    disableGl?: boolean;
    videoBufferSize?: number;
    onVideoDecode?: () => void;
  }
  const JSMpeg: { Player: new (url: string, options: PlayerOptions) => { destroy(): void } };
  export default JSMpeg;
}

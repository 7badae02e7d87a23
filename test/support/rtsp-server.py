#!/usr/bin/python3
"""A real RTSP camera stand-in for the video tests: GStreamer gst-rtsp-server serving a live H.264 test pattern.

Usage: /usr/bin/python3 rtsp-server.py --port N [--path /stream] [--fps 25] [--gop 25] [--width 640 --height 360]
       [--bitrate 800] [--pattern ball]
Prints `READY rtsp://127.0.0.1:N/stream` on stdout once listening. The picture is a ball moving with the wall clock,
so every frame differs (a browser test can see frames advance). Unknown paths answer 404 (RTSP
DESCRIBE), which the bad-input tests use. Exits on SIGTERM/SIGINT or when stdin closes (the test runner is gone).
"""
import argparse
import os
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/stream")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--gop", type=int, default=25, help="frames between keyframes")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--bitrate", type=int, default=800, help="kbit/s")
    parser.add_argument("--pattern", default="ball", help="videotestsrc pattern (snow: incompressible, full bitrate)")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    # The ball moves with the wall clock, so consecutive frames differ. RTCP sender reports map RTP time to NTP wall
    # time, which ffmpeg turns into producer reference times (prft) for the latency bench.
    launch = (
        f"( videotestsrc is-live=true pattern={args.pattern} animation-mode=wall-time "
        f"! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.gop} bitrate={args.bitrate} "
        f"! video/x-h264,profile=constrained-baseline "
        f"! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    factory.set_launch(launch)
    factory.set_shared(True)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print(f"ERROR cannot listen on port {args.port}", flush=True)
        sys.exit(2)

    loop = GLib.MainLoop()

    def quit_loop(*_args: object) -> None:
        loop.quit()

    signal.signal(signal.SIGTERM, quit_loop)
    signal.signal(signal.SIGINT, quit_loop)

    def watch_stdin() -> None:
        # The parent test holds our stdin open; EOF means it died without killing us.
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()

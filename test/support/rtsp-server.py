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
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


STAMP_BITS = 48
BLOCK = 12


def start_stamping(media: GstRtspServer.RTSPMedia, args: argparse.Namespace) -> None:
    src = media.get_element().get_child_by_name("src")
    w, h = args.width, args.height
    background = bytes([96]) * (w * h) + bytes([128]) * (w * h // 2)
    state = {"n": 0}

    def push() -> bool:
        now_ms = int(time.time() * 1000)
        bits = [(now_ms >> (STAMP_BITS - 1 - i)) & 1 for i in range(STAMP_BITS)]
        row = b"".join((b"\xeb" if b else b"\x10") * BLOCK for b in bits)
        frame = bytearray(background)
        for r in range(BLOCK):
            frame[r * w : r * w + len(row)] = row
        # A square that moves, so the picture changes besides the stamp.
        x = (state["n"] * 8) % (w - 40)
        for r in range(h // 2, h // 2 + 40):
            frame[r * w + x : r * w + x + 40] = b"\xeb" * 40
        state["n"] += 1
        return src.emit("push-buffer", Gst.Buffer.new_wrapped(bytes(frame))) == Gst.FlowReturn.OK

    GLib.timeout_add(max(1, 1000 // args.fps), push)


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
    parser.add_argument(
        "--stamp",
        action="store_true",
        help="frames carry their capture wall-clock time (ms) as 48 black/white 12x12 blocks in the top row",
    )
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    encode = (
        f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.gop} bitrate={args.bitrate} "
        f"! video/x-h264,profile=constrained-baseline "
        f"! rtph264pay name=pay0 pt=96 config-interval=1"
    )
    if args.stamp:
        # Frames made here, stamped with the wall clock when made: a viewer that decodes them reads glass-to-glass.
        factory.set_launch(
            f"( appsrc name=src is-live=true do-timestamp=true format=time "
            f"caps=video/x-raw,format=I420,width={args.width},height={args.height},framerate={args.fps}/1 "
            f"! {encode} )"
        )
        factory.connect("media-configure", lambda _f, media: start_stamping(media, args))
    else:
        # The ball moves with the wall clock, so consecutive frames differ.
        factory.set_launch(
            f"( videotestsrc is-live=true pattern={args.pattern} animation-mode=wall-time "
            f"! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 ! {encode} )"
        )
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

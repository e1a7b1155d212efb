#!/usr/bin/env python3
"""Peak memory of headless Chromium's renderer while it draws report pages.

Usage:  python3 scripts/page_memory.py PAGE.html [PAGE.html ...]

For each page it starts headless Chromium (the flags of report/reporttest)
with --dump-dom and a 30 s virtual-time budget, polls the renderer
processes (command lines with --type=renderer) every 20 ms, and prints the
largest VmHWM (peak resident set) of any renderer and the largest sum of
the renderers' VmRSS, in MiB, with the page's size.
"""
import os
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--mute-audio"]


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def is_renderer(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"--type=renderer" in f.read()
    except OSError:
        return False


def measure(page):
    bin_ = os.environ.get("LANDSCAPE_CHROMIUM", "chromium")
    with tempfile.TemporaryDirectory() as profile:
        args = [bin_, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom",
                "file://" + os.path.abspath(page)]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hwm = rss_sum = 0
        start = time.time()
        while p.poll() is None:
            renderers = [d for d in descendants(p.pid) if is_renderer(d)]
            hwm = max([hwm] + [status_kib(d, "VmHWM") for d in renderers])
            rss_sum = max(rss_sum, sum(status_kib(d, "VmRSS") for d in renderers))
            time.sleep(0.02)
        return hwm / 1024, rss_sum / 1024, time.time() - start


def main():
    for page in sys.argv[1:]:
        hwm, rss, secs = measure(page)
        print(f"{page}: {os.path.getsize(page) / 2**20:.1f} MiB page, renderer peak {hwm:.0f} MiB (VmHWM), "
              f"renderers' RSS up to {rss:.0f} MiB, {secs:.1f} s")


if __name__ == "__main__":
    main()

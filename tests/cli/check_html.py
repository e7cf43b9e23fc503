"""check_html.py - opens aap-export's HTML pages in headless Chromium, driven
over the DevTools protocol on a pipe (--remote-debugging-pipe), and checks
each as a reader would meet it: it loads with no console error, no
exception, no dialog and no network request; no script element is in it;
its text holds what is expected; its charts are SVG with their titles; a
screenshot of it is not blank.  Every wait is for an event, bounded only to
end a broken run.

Usage: check_html.py [--time] [[--ids STREAM] [--expect TEXT]...
                     [--charts N] [--clear] PAGE]...
Each PAGE is checked with the options given before it; --clear drops them.
--ids: the text of every page holds every application_id of STREAM.
--charts: every page has at least N <svg> charts, each with a <title>.
--time: print how long each page took to load and to draw its first
frame (for the benchmark).
Prints what is wrong, status 1; 0 when all is well."""
import base64
import csv
import json
import os
import select
import struct
import subprocess
import sys
import tempfile
import time
import zlib

CHROMIUM = os.environ.get("AAP_CHROMIUM", "chromium")
LIMIT = float(os.environ.get("T_WAIT_MAX", "600"))
bad = []


class Browser:
    """Chromium with a pipe for the DevTools protocol: fd 3 it reads
    commands from, fd 4 it writes answers and events to."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="aap-chromium.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            # Copies first: dup2 onto the same number would keep the
            # close-on-exec flag, and one end may already be 3 or 4.
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [CHROMIUM, "--headless", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile, "--window-size=1280,1600"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        # The pipe's ends are not inherited but as fds 3 and 4, which
        # dup2 makes inheritable.
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, deadline):
        """The next message, or None when the deadline passed."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.from_r], [], [], left)
            if not r:
                return None
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        """Sends a command and waits for its answer; events on the way are
        kept in self.events."""
        want = self.send(method, params, session)
        deadline = time.monotonic() + LIMIT
        while True:
            m = self.read(deadline)
            if m is None:
                raise RuntimeError("no answer to " + method)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        """Waits for the event method of session."""
        deadline = time.monotonic() + LIMIT
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                return m
        while True:
            m = self.read(deadline)
            if m is None:
                raise RuntimeError("waited in vain for " + method)
            self.events.append(m)
            if m.get("method") == method and m.get("sessionId") == session:
                return m

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=LIMIT)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)
        subprocess.run(["rm", "-rf", self.profile])


def png_pixels(data):
    """The rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return rows, bpp


def not_blank(png):
    """1 when at least 1 % of the pixels are not the first pixel's colour."""
    rows, bpp = png_pixels(png)
    first = rows[0][:bpp]
    total = other = 0
    for row in rows[::4]:
        for x in range(0, len(row), bpp * 4):
            total += 1
            other += row[x:x + bpp] != first
    return other * 100 >= total


def check_page(br, path, ids, expect, charts, timing):
    url = "file://" + os.path.abspath(path)
    target = br.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = br.call("Target.attachToTarget",
                      {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        br.call(domain + ".enable", {}, session)
    start = time.monotonic()
    br.call("Page.navigate", {"url": url}, session)
    br.wait_event("Page.loadEventFired", session)
    took = time.monotonic() - start

    def js(expr, wait=False):
        r = br.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                         "awaitPromise": wait}, session)
        return r["result"].get("value")

    # The first frame after the load: its style, layout and paint done.
    js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))",
       True)
    shown = time.monotonic() - start
    titles = js("Array.from(document.querySelectorAll('svg')).map("
                "s => (s.querySelector(':scope > title') || {}).textContent || '')")
    scripts = js("document.scripts.length")
    # A quarter of the scale: the pixels are unfiltered in Python.
    shot = br.call("Page.captureScreenshot",
                   {"format": "png", "clip": {"x": 0, "y": 0, "width": 1280,
                                              "height": 1600, "scale": 0.25}},
                   session)
    # The text as printed: on screen, the parts of a long table far from
    # the view are not laid out, and innerText leaves them out.
    br.call("Emulation.setEmulatedMedia", {"media": "print"}, session)
    text = js("document.body.innerText")
    # Every event of the load has come before the screenshot's answer.
    for m in br.events:
        if m.get("sessionId") != session:
            continue
        meth, p = m.get("method"), m.get("params", {})
        if meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            bad.append("%s: console error: %r" % (path, p.get("args")))
        elif meth == "Runtime.exceptionThrown":
            bad.append("%s: exception: %r" % (path, p.get("exceptionDetails")))
        elif meth == "Log.entryAdded" and p["entry"].get("level") == "error":
            bad.append("%s: console error: %s" % (path, p["entry"].get("text")))
        elif meth == "Page.javascriptDialogOpening":
            bad.append("%s: a script opened a dialog: %s" % (path, p.get("message")))
        elif meth == "Network.requestWillBeSent" and p["request"]["url"] != url:
            bad.append("%s: a request for %s" % (path, p["request"]["url"]))
    if scripts:
        bad.append("%s: %d script element(s)" % (path, scripts))
    for i in ids:
        if i not in text:
            bad.append("%s: application %s is not in the text" % (path, i))
    for t in expect:
        if t not in text:
            bad.append("%s: %r is not in the text" % (path, t))
    if len(titles) < charts or not all(titles):
        bad.append("%s: %d chart(s), titles %r; %d wanted, each with a title"
                   % (path, len(titles), titles, charts))
    if not not_blank(base64.b64decode(shot["data"])):
        bad.append("%s: the screenshot is blank" % path)
    if timing:
        print("%s: loaded in %.3f s, first frame drawn in %.3f s"
              % (path, took, shown))
    br.call("Target.closeTarget", {"targetId": target})


def main(argv):
    ids, expect, charts, timing, pages = [], [], 0, False, []
    i = 0
    # Each page is checked with the options given before it.
    while i < len(argv):
        a = argv[i]
        if a == "--ids":
            lines = [l for l in open(argv[i + 1], encoding="utf-8", newline="")
                     .read().split("\n") if l and not l.startswith("#")]
            ids = [r["application_id"] for r in csv.DictReader(lines)]
            i += 2
        elif a == "--expect":
            expect.append(argv[i + 1])
            i += 2
        elif a == "--charts":
            charts = int(argv[i + 1])
            i += 2
        elif a == "--clear":
            ids, expect, charts = [], [], 0
            i += 1
        elif a == "--time":
            timing = True
            i += 1
        else:
            pages.append((a, list(ids), list(expect), charts))
            i += 1
    br = Browser()
    try:
        for p, pi, pe, pc in pages:
            check_page(br, p, pi, pe, pc, timing)
    finally:
        br.close()
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

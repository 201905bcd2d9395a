"""Browser benchmark: what a learner feels when moving each app's controls in JupyterLab.

Run from the repository root (it needs Debian's /usr/bin/chromium and Playwright, as
tests/test_browser.py does):

    .venv/bin/python benchmarks/browser.py                          # every app, 1366x768
    .venv/bin/python benchmarks/browser.py --size 1920x1080
    .venv/bin/python benchmarks/browser.py --apps NeuronExplorer,Playground --presses 10
    .venv/bin/python benchmarks/browser.py --json results.json

JupyterLab runs on 127.0.0.1 with throwaway config (tests/lab_server.py, the browser
test's server) and serves a temporary folder holding one generated notebook: one app of
``widgets.__all__`` per cell (``import widgets`` then ``widgets.X()``). Chromium opens it
at the given window size with JupyterLab's file browser open (the default left panel),
runs all cells and waits until every app's figure is drawn. Then:

- layout: for each app, the right edge of its widest canvas or control against the right
  edge of the cell's output area (overflow in px: the "fits a 1000 px column" goal), the
  figure's scale (the canvas shrinks to the column) and the app's height against the
  notebook's visible height;
- latency: the app's first slider that redraws its figure (apps without a slider: their
  step buttons, next/back) gets the keyboard focus, and ArrowRight is pressed N times
  (ArrowLeft once the slider is at its right end, and back); each press is timed IN THE
  PAGE (performance.now(), so Playwright's round trips do not count) from the keydown to
  the first animation frame whose hash of the app's canvases' getImageData differs, and
  the canvas settles (kernel idle, nothing painted for 300 ms) before the next press.
  The same page records when the widget's message left for the kernel, when the kernel
  went busy on it and when the first frame came back, to show where the time goes;
- fast drag: 20 presses 30 ms apart; the time from the last keydown until the canvas
  shows its final state;
- Play (apps with a Play widget: the Playground): press Play, count the distinct frames
  painted in 5 s, then Stop.

It prints the tables with the goals of DESIGN.md (median <= 100 ms, 90th percentile
<= 200 ms, Play >= 20 frames/s, no overflow) as PASS/MISS for information, and never
fails on time: the exit status is 0 unless the harness itself breaks. See
benchmarks/README.md for how to read it.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/widgets.py must not hide the widgets package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import nbformat  # noqa: E402

import widgets  # noqa: E402
from lab_server import CHROMIUM, CHROMIUM_ARGS, KERNEL_READY, jupyterlab, shut_down_kernels  # noqa: E402

GOAL_MEDIAN_MS = 100
GOAL_P90_MS = 200
GOAL_PLAY_FPS = 20
FIRST_CHANGE_MS = 4000      # a press whose figure has not changed by then counts as "no redraw"
QUIET_MS = 300              # settled: kernel idle and nothing painted or received for this long
SETTLE_LIMIT_MS = 15000     # give up waiting for a settle after this long
DRAG_PRESSES = 20
DRAG_GAP_S = 0.030
PLAY_SECONDS = 5
RUN_ALL_TIMEOUT_S = 240
DRAW_TIMEOUT_S = 30
STEP_BUTTONS = ("next", "back")     # a button app's forward/backward pair, when it has them

# --------------------------------------------------------------------------
# In the page
# --------------------------------------------------------------------------

# One probe per page (window.__bench), pointed at one app at a time with watch(app).
# - keydown (capture, on window): the time of every key the page gets, and the value of the
#   slider it goes to (aria-valuetext: full precision; aria-valuenow is rounded);
# - the app's canvases' 2-D contexts: drawImage / clearRect / putImageData mark them dirty;
#   on every animation frame a dirty canvas set is hashed (and at least every 250 ms in
#   case something paints another way): a changed hash is a change the learner sees, timed
#   at that frame;
# - window.createImageBitmap: the app's view decodes each PNG frame with it;
# - the kernel connection's messages: a comm_msg sent (a control's new value, a click),
#   the kernel's busy status for it, and the frames (custom comm messages) coming back.
PROBE = r"""() => {
  if (window.__bench) return;
  const now = () => performance.now();
  const B = window.__bench = { app: null, canvases: [], hash: 0, dirty: false, lastHashAt: 0,
                               kernelHooked: null, sent: new Set() };
  B.reset = () => {
    B.ev = { keys: [], keyValues: [], sends: [], busy: [], frames: [], bitmaps: [], draws: [], changes: [] };
    B.sent = new Set();
  };
  B.reset();
  window.addEventListener('keydown', (event) => {     // capture: before the control handles it
    B.ev.keys.push(now());
    B.ev.keyValues.push(event.target && event.target.getAttribute ? event.target.getAttribute('aria-valuetext') : null);
  }, true);
  const decode = window.createImageBitmap;
  window.createImageBitmap = function (...args) { B.ev.bitmaps.push(now()); return decode.apply(this, args); };
  B.hashNow = () => {
    let h = 0;
    for (const c of B.canvases) {
      if (!c.width || !c.height) continue;
      const d = new Int32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
      for (let i = 0; i < d.length; i++) h = (Math.imul(h, 31) + d[i]) | 0;
    }
    return h;
  };
  B.hook = (canvas) => {
    const ctx = canvas.getContext('2d');
    if (!ctx || ctx.__benchHooked) return;
    ctx.__benchHooked = true;
    for (const name of ['drawImage', 'clearRect', 'putImageData']) {
      const original = ctx[name];
      ctx[name] = function (...args) {
        const result = original.apply(this, args);
        if (B.canvases.includes(canvas)) { B.dirty = true; B.ev.draws.push(now()); }
        return result;
      };
    }
  };
  B.kernel = () => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    return session && session.kernel;
  };
  B.hookKernel = () => {
    const kernel = B.kernel();
    if (!kernel || B.kernelHooked === kernel) return;
    B.kernelHooked = kernel;
    kernel.anyMessage.connect((_, { msg, direction }) => {
      const t = now(), type = msg.header.msg_type;
      if (direction === 'send') {
        if (type === 'comm_msg') { B.ev.sends.push(t); B.sent.add(msg.header.msg_id); }
        return;
      }
      const parent = msg.parent_header && msg.parent_header.msg_id;
      if (type === 'status' && msg.content.execution_state === 'busy' && B.sent.has(parent)) B.ev.busy.push(t);
      const data = type === 'comm_msg' && msg.content && msg.content.data;
      if (data && data.method === 'custom' && data.content && data.content.type === 'frame') B.ev.frames.push(t);
    });
  };
  B.watch = (app) => {
    B.hookKernel();
    B.app = app;
    B.canvases = [...app.querySelectorAll('canvas')];
    B.canvases.forEach(B.hook);
    B.hash = B.hashNow();
    B.dirty = false;
    B.reset();
  };
  const tick = () => {
    if (B.app) {
      const t = now();
      if (B.dirty || t - B.lastHashAt > 250) {
        B.dirty = false;
        B.lastHashAt = t;
        const h = B.hashNow();
        if (h !== B.hash) { B.hash = h; B.ev.changes.push(t); }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Resolves once the app settled after the keys pressed since reset(): the kernel idle and
  // nothing painted, sent or received for `quiet` ms; or when nothing changed `first` ms
  // after the first key (no redraw); or after `limit` ms (never settled).
  B.settle = (first, quiet, limit) => new Promise((resolve) => {
    const start = now();
    const last = (list) => (list.length ? list[list.length - 1] : -Infinity);
    const check = () => {
      const e = B.ev, t = now();
      const key = e.keys.length ? e.keys[0] : start;
      const busy = Math.max(last(e.keys), last(e.changes), last(e.draws), last(e.frames), last(e.sends));
      const kernel = B.kernel();
      const idle = !kernel || kernel.status === 'idle';
      const done = (outcome) => resolve({ outcome, now: t, ...JSON.parse(JSON.stringify(e)) });
      if (!e.changes.length && t - key > first && idle) return done('no change');
      if (e.changes.length && idle && t - busy >= quiet) return done('settled');
      if (t - start > limit) return done('limit');
      setTimeout(check, 15);
    };
    check();
  });
}"""

PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"
RUN_OVER = f"""() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null
                   && {PROMPTS}.every(t => /\\[\\d+\\]/.test(t))"""
FIGURE = "canvas.backprop-figure"      # an app's figure (widgets/canvas.py's view)
INKED = """out => [...out.querySelectorAll('canvas')].some(c => {
    if (!c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) return true;
    return false;
})"""
# The app's size against the room it has: the output area's right edge (clipped by the
# notebook's visible area) and the notebook's visible height.
LAYOUT = """out => {
    const box = out.getBoundingClientRect();
    const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')
                  || out.closest('.jp-Notebook');
    const view = notebook.getBoundingClientRect();
    const right = Math.min(box.right, view.right);
    const parts = out.querySelectorAll('canvas, button, select, input, textarea, .noUi-target, .widget-readout,'
                                       + ' .widget-label, .widget-html, .widget-toggle-buttons, .widget-play');
    let widest = box.left, lowest = box.top, widestName = '';
    for (const e of parts) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.right > widest) {
            widest = r.right;
            widestName = e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                         ? '.' + e.className.trim().split(/\\s+/)[0] : '');
        }
        lowest = Math.max(lowest, r.bottom);
    }
    const canvases = [...out.querySelectorAll('canvas')].filter(c => c.width);
    const scale = canvases.length ? Math.min(...canvases.map(c => c.getBoundingClientRect().width / c.width)) : null;
    return { column: Math.round(right - box.left), right: Math.round(right), widest: Math.round(widest - box.left),
             overflow: Math.round(widest - right), widestName, scale, height: Math.round(lowest - box.top),
             visible: Math.round(view.height), scrollsSideways: out.scrollWidth > out.clientWidth + 1 };
}"""
# A control's name as the learner reads it.
CONTROL_NAME = """e => {
    const box = e.closest('.widget-slider, .widget-hslider, .widget-dropdown, .widget-toggle-buttons');
    const label = box && box.querySelector('.widget-label');
    const text = e.tagName === 'BUTTON' ? e.innerText.trim() : '';
    return (label && label.innerText.trim()) || text || e.getAttribute('aria-label') || e.tagName;
}"""
# Before a press: focus the control if it lost the focus, start a new record, and say where
# a slider stands ([now, min, max]) or whether a button is disabled.
ARM = """e => {
    if (document.activeElement !== e) e.focus();
    window.__bench.reset();
    const n = (a) => parseFloat(e.getAttribute(a));
    return { now: n('aria-valuenow'), min: n('aria-valuemin'), max: n('aria-valuemax'),
             text: e.getAttribute('aria-valuetext'), disabled: !!e.disabled };
}"""
SETTLE = "([first, quiet, limit]) => window.__bench.settle(first, quiet, limit)"


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------

def first_after(times, t):
    return next((x for x in times if x >= t), None)


def gap(a, b):
    return None if a is None or b is None else b - a


def press_record(ev):
    """What one press did: its latency and where the time went (ms), from the page's events."""
    key = ev["keys"][0] if ev["keys"] else None
    if key is None:
        return {"outcome": "no key"}
    shown = first_after(ev["changes"], key)
    send = first_after(ev["sends"], key)
    busy = first_after(ev["busy"], send) if send is not None else None
    frame = first_after(ev["frames"], key)
    return {"outcome": ev["outcome"], "latency": gap(key, shown), "front_end": gap(key, send),
            "to_kernel": gap(send, busy), "kernel": gap(busy, frame), "paint": gap(frame, shown),
            "frames": len(ev["frames"]), "settled_after": ev["now"] - key}


class App:
    """One app's output in the page and what was measured on it."""

    def __init__(self, name, out):
        self.name, self.out = name, out
        self.result = {"app": name, "notes": []}

    def note(self, text):
        self.result["notes"].append(text)


def settle(page, first=FIRST_CHANGE_MS, quiet=QUIET_MS, limit=SETTLE_LIMIT_MS):
    return page.evaluate(SETTLE, [first, quiet, limit])


def visible_enabled(handles):
    return [h for h in handles
            if h.is_visible() and h.evaluate("e => !e.disabled && !e.closest('[disabled]')")]


def sliders(app):
    return visible_enabled(app.out.query_selector_all(".noUi-handle, [role=slider]"))


def step_buttons(app):
    """The app's buttons (not the Play widget's), and its forward/backward pair: next/back
    when it has them, else its first button both ways."""
    buttons = [b for b in app.out.query_selector_all("button")      # disabled ones too: back, at the start
               if b.is_visible() and b.evaluate("e => !e.closest('.widget-play')")]
    named = {b.evaluate("e => e.innerText.trim().toLowerCase()"): b for b in buttons}
    if all(name in named for name in STEP_BUTTONS):
        return buttons, [named[name] for name in STEP_BUTTONS]
    return buttons, buttons[:1] * 2


def press(page, control, key):
    """One timed press: arm, key, settle. Returns (the control's state before, the page's events)."""
    before = control.evaluate(ARM)
    page.keyboard.press(key)
    return before, settle(page)


def choose_slider(page, app):
    """The first slider whose press redraws the figure (a probe press, not counted)."""
    for handle in sliders(app):
        name = handle.evaluate(CONTROL_NAME)
        handle.evaluate("e => e.scrollIntoView({block: 'center'})")
        for key in ("ArrowRight", "ArrowLeft"):
            before, ev = press(page, handle, key)
            after = handle.evaluate(ARM)
            if not moved(before, after):
                continue                        # at that end: try the other way
            if ev["outcome"] != "no change":
                app.result["first_press_ms"] = press_record(ev)["latency"]
                return handle, name, key
            app.note(f"slider {name!r} did not redraw the figure: the next one is used")
            break
        else:
            app.note(f"slider {name!r} did not move with the arrow keys: the next one is used")
    return None, None, None


def moved(before, after):
    return (before["text"], before["now"]) != (after["text"], after["now"])


def measure_slider(page, app, presses):
    handle, name, key = choose_slider(page, app)
    if handle is None:
        return False
    app.result["control"] = f"slider {name!r}"
    records, flips, attempts = [], 0, 0
    while len(records) < presses and attempts < 3 * presses:
        attempts += 1
        state = handle.evaluate(ARM)
        if key == "ArrowRight" and state["now"] >= state["max"] or key == "ArrowLeft" and state["now"] <= state["min"]:
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            flips += 1
        before, ev = press(page, handle, key)
        after = handle.evaluate(ARM)
        if not moved(before, after):            # did not move (an end not told by aria-valuemax)
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            flips += 1
            continue
        records.append(press_record(ev))
    app.result["presses"] = records
    if flips:
        app.note(f"the slider reached an end {flips} time(s): the arrow key was turned round")
    measure_drag(page, app, handle)
    return True


def measure_drag(page, app, handle):
    """20 presses 30 ms apart towards the side with more room; the time from the last keydown
    that moved the slider (a slider with fewer steps stops at its end) to the final picture."""
    state = handle.evaluate(ARM)
    key = "ArrowRight" if state["max"] - state["now"] >= state["now"] - state["min"] else "ArrowLeft"
    start = time.perf_counter()
    for k in range(DRAG_PRESSES):
        wait = start + k * DRAG_GAP_S - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        page.keyboard.press(key)
    ev = settle(page)
    after = handle.evaluate(ARM)
    keys, changes = ev["keys"], ev["changes"]
    values = [*ev["keyValues"], after["text"]]       # the slider's value before each key, and at the end
    moving = [keys[k] for k in range(len(keys)) if values[k + 1] != values[k]]
    drag = {"outcome": ev["outcome"], "key": key, "from": state["text"] or state["now"],
            "to": after["text"] or after["now"], "steps_moved": len(moving), "values_sent": len(ev["sends"]),
            "frames": len(ev["frames"]), "changes": len(changes),
            "key_gap_ms": (keys[-1] - keys[0]) / (len(keys) - 1) if len(keys) > 1 else None,
            "settle_ms": max(0.0, changes[-1] - moving[-1]) if moving and changes else None}
    app.result["drag"] = drag
    if len(moving) < DRAG_PRESSES:
        app.note(f"the fast drag moved {len(moving)} of {DRAG_PRESSES} steps ({drag['from']} -> {drag['to']}):"
                 " drag-settle counts from the last key that moved it")


def measure_buttons(page, app, presses):
    buttons, pair = step_buttons(app)
    if not pair:
        app.note("no slider and no button: nothing to press")
        return
    names = [b.evaluate(CONTROL_NAME) for b in pair]
    app.result["control"] = ("buttons " + "/".join(dict.fromkeys(names)) + " (no slider)")
    pair[0].evaluate("e => e.scrollIntoView({block: 'center'})")
    way, records, attempts, turns = 0, [], 0, 0
    while len(records) < presses and attempts < 3 * presses:
        attempts += 1
        if pair[way].evaluate("e => e.disabled"):
            way, turns = 1 - way, turns + 1
            continue
        _, ev = press(page, pair[way], "Enter")
        record = press_record(ev)
        if record.get("latency") is None:   # at an end of the walk ("already at the start"): turn round
            way, turns = 1 - way, turns + 1
            continue
        records.append(record)
    app.result["presses"] = records
    if turns:
        app.note(f"the buttons were swapped {turns} time(s) at the ends of the walk")


def measure_play(page, app):
    """Press Play (keyboard), count the distinct frames painted for PLAY_SECONDS, press Stop."""
    buttons = app.out.query_selector_all(".widget-play button")
    if not buttons:
        return
    named = {b.get_attribute("aria-label") or "": b for b in buttons}
    play, stop = named.get("play", buttons[0]), named.get("stop", buttons[min(2, len(buttons) - 1)])
    play.evaluate(ARM)
    page.keyboard.press("Enter")
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    ev = page.evaluate("() => JSON.parse(JSON.stringify(window.__bench.ev))")
    stop.evaluate("e => { e.focus(); }")
    page.keyboard.press("Enter")
    settle(page, first=500)
    start = ev["keys"][0] if ev["keys"] else None
    if start is None:
        app.note("Play: the key press did not reach the page")
        return
    end = start + PLAY_SECONDS * 1000
    changes = [t for t in ev["changes"] if start <= t <= end]
    gaps = [b - a for a, b in zip(changes, changes[1:])]
    app.result["play"] = {
        "seconds": PLAY_SECONDS, "frames": len(changes), "fps": len(changes) / PLAY_SECONDS,
        "frame_gap_median_ms": statistics.median(gaps) if gaps else None,
        "ticks_sent_per_s": len([t for t in ev["sends"] if start <= t <= end]) / PLAY_SECONDS,
        "frames_received_per_s": len([t for t in ev["frames"] if start <= t <= end]) / PLAY_SECONDS,
        "first_frame_ms": changes[0] - start if changes else None}


def summarize(result):
    lat = [p["latency"] for p in result.get("presses", []) if p.get("latency") is not None]
    missed = sum(1 for p in result.get("presses", []) if p.get("latency") is None)
    stats = {"n": len(lat), "no_redraw": missed}
    if lat:
        stats.update(median=statistics.median(lat), max=max(lat),
                     p90=statistics.quantiles(lat, n=10, method="inclusive")[-1] if len(lat) > 1 else lat[0])
        for part in ("front_end", "to_kernel", "kernel", "paint"):
            values = [p[part] for p in result["presses"] if p.get(part) is not None]
            stats[part] = statistics.median(values) if values else None
        stats["frames_per_press"] = statistics.median([p["frames"] for p in result["presses"]])
    result["stats"] = stats


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------

def write_notebook(folder, names):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(f"import widgets\nwidgets.{name}()") for name in names]
    path = Path(folder) / "apps.ipynb"
    nbformat.write(nb, path)
    return path


def open_and_run(page, url, notebook):
    """Open the notebook in a fresh workspace with the file browser open, run all cells and
    wait for every app's figure to be drawn. Returns the seconds it took."""
    t = time.perf_counter()
    page.goto(f"{url}/lab/tree/{notebook.name}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_function(KERNEL_READY, polling=100, timeout=90_000)
    if page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").count() == 0:
        page.click(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(RUN_OVER, polling=250, timeout=RUN_ALL_TIMEOUT_S * 1000)
    return time.perf_counter() - t


def wait_drawn(page, outs):
    deadline = time.monotonic() + DRAW_TIMEOUT_S
    blank = list(range(len(outs)))
    while blank and time.monotonic() < deadline:
        blank = [k for k in blank if not outs[k].evaluate(INKED)]
        if blank:
            page.wait_for_timeout(250)
    return blank


def versions(browser):
    found = [f"python {platform.python_version()}"]
    for package in ("jupyterlab", "ipywidgets", "anywidget", "matplotlib", "playwright"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    found.append(f"chromium {browser.version}")
    return ", ".join(found)


def run(args, names):
    from playwright.sync_api import sync_playwright
    width, height = args.size
    report = {"size": [width, height], "presses": args.presses, "load_before": os.getloadavg()[0],
              "apps": [], "console_errors": []}
    with tempfile.TemporaryDirectory(prefix="backprop-browser-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "root").mkdir()
        (tmp / "lab").mkdir()
        notebook = write_notebook(tmp / "root", names)
        with jupyterlab(tmp / "root", tmp / "lab") as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            report["versions"] = versions(browser)
            print(f"  {report['versions']}, {os.cpu_count()} CPUs")
            load = report["load_before"]
            print(f"  load average (1 min) before the run: {load:.2f}"
                  + ("  <- other processes are busy: expect slower, noisier numbers" if load > 0.5 else ""))
            print(f"  window {width}x{height}, JupyterLab's file browser open; {args.presses} presses per app")
            sys.stdout.flush()
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            page.on("console", lambda msg: msg.type == "error" and report["console_errors"].append(msg.text))
            page.on("pageerror", lambda err: report["console_errors"].append(f"pageerror: {err}"))
            try:
                report["open_and_run_s"] = open_and_run(page, url, notebook)
                outs = page.locator(".jp-OutputArea-output").filter(has=page.locator(FIGURE)).all()
                if len(outs) != len(names):
                    raise RuntimeError(f"{len(outs)} app figures in the page for {len(names)} apps"
                                       f" (errors: {report['console_errors'][:3]})")
                apps = [App(name, out.element_handle()) for name, out in zip(names, outs)]
                blank = wait_drawn(page, outs)
                if blank:
                    raise RuntimeError(f"figures still blank: {[names[k] for k in blank]}")
                page.evaluate(PROBE)
                for app in apps:                    # as opened, before anything moved
                    app.out.evaluate("e => e.scrollIntoView({block: 'start'})")
                    app.result["layout"] = app.out.evaluate(LAYOUT)
                for app in apps:
                    t = time.perf_counter()
                    print(f"  {app.name} ...", end="", flush=True)
                    try:
                        app.out.evaluate("e => e.scrollIntoView({block: 'start'})")
                        page.evaluate("out => window.__bench.watch(out)", app.out)
                        if not measure_slider(page, app, args.presses):
                            measure_buttons(page, app, args.presses)
                        measure_play(page, app)
                    except Exception as err:    # noqa: BLE001 - one app's trouble must not stop the others
                        app.note(f"harness error: {type(err).__name__}: {str(err).splitlines()[0]}")
                    summarize(app.result)
                    report["apps"].append(app.result)
                    print(f" {time.perf_counter() - t:.0f} s", flush=True)
            finally:
                if args.screenshot:
                    page.screenshot(path=args.screenshot)
                shut_down_kernels(url)
                browser.close()
    report["load_after"] = os.getloadavg()[0]
    return report


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------

def ms(value):
    return "-" if value is None else f"{value:.0f}"


def print_report(report):
    apps = report["apps"]
    width = max([len(a["app"]) for a in apps] + [3])
    cwidth = max([len(a.get("control", "-")) for a in apps] + [7])
    print(f"\nlatency: keydown to the first changed frame on screen, ms "
          f"(goal: median <= {GOAL_MEDIAN_MS}, 90th percentile <= {GOAL_P90_MS})")
    print(f"  {'app':<{width}}  {'control':<{cwidth}}  {'n':>3}  {'median':>6}  {'p90':>5}  {'max':>5}"
          f"  {'drag-settle':>11}  goal")
    for a in apps:
        s = a["stats"]
        verdict = "-"
        if s.get("median") is not None:
            verdict = "PASS" if s["median"] <= GOAL_MEDIAN_MS and s["p90"] <= GOAL_P90_MS else "MISS"
        drag = a.get("drag", {}).get("settle_ms")
        print(f"  {a['app']:<{width}}  {a.get('control', '-'):<{cwidth}}  {s['n']:>3}  {ms(s.get('median')):>6}"
              f"  {ms(s.get('p90')):>5}  {ms(s.get('max')):>5}  {ms(drag):>11}  {verdict}"
              + (f"  ({s['no_redraw']} presses without a redraw)" if s["no_redraw"] else ""))

    print("\nwhere the time goes (medians, ms): key -> value sent (front end) -> kernel busy on it"
          " -> first frame back -> on screen")
    print(f"  {'app':<{width}}  {'front end':>9}  {'to kernel':>9}  {'kernel':>6}  {'paint':>5}"
          f"  {'frames/press':>12}  {'drag: values sent, frames':>25}")
    for a in apps:
        s, d = a["stats"], a.get("drag", {})
        dragged = f"{d['values_sent']}, {d['frames']}" if d else "-"
        print(f"  {a['app']:<{width}}  {ms(s.get('front_end')):>9}  {ms(s.get('to_kernel')):>9}"
              f"  {ms(s.get('kernel')):>6}  {ms(s.get('paint')):>5}  {ms(s.get('frames_per_press')):>12}"
              f"  {dragged:>25}")

    for a in apps:
        p = a.get("play")
        if p:
            verdict = "PASS" if p["fps"] >= GOAL_PLAY_FPS else "MISS"
            print(f"\nPlay ({a['app']}): {p['fps']:.1f} frames/s painted over {p['seconds']} s (goal >= "
                  f"{GOAL_PLAY_FPS}) {verdict}; frame gap median {ms(p['frame_gap_median_ms'])} ms; "
                  f"ticks sent {p['ticks_sent_per_s']:.1f}/s, frames received {p['frames_received_per_s']:.1f}/s")

    w, h = report["size"]
    print(f"\nlayout at {w}x{h} with the file browser open, as opened (goal: overflow <= 0 px)")
    print(f"  {'app':<{width}}  {'column':>6}  {'widest':>6}  {'overflow':>8}  {'fig scale':>9}"
          f"  {'height / visible':>16}  fits")
    for a in apps:
        lay = a.get("layout")
        if not lay:
            continue
        scale = "-" if lay["scale"] is None else f"{lay['scale']:.2f}"
        fits = "PASS" if lay["overflow"] <= 0 else f"MISS ({lay['widestName']} sticks out)"
        print(f"  {a['app']:<{width}}  {lay['column']:>6}  {lay['widest']:>6}  {lay['overflow']:>8}  {scale:>9}"
              f"  {lay['height']:>7} / {lay['visible']:<6}  {fits}")

    notes = [f"{a['app']}: {n}" for a in apps for n in a["notes"]]
    notes += [f"console: {text[:300]}" for text in dict.fromkeys(report["console_errors"])]
    if notes:
        print("\nnotes")
        for note in notes:
            print("  " + note)


def parse_size(text):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    return w, h


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=(1366, 768), help="window size, e.g. 1920x1080")
    parser.add_argument("--apps", help="comma-separated app names (default: every app in widgets.__all__)")
    parser.add_argument("--presses", type=int, default=20, help="timed presses per app (default 20)")
    parser.add_argument("--json", help="save the results to this file")
    parser.add_argument("--screenshot", help="save a picture of the page at the end to this file")
    args = parser.parse_args()
    names = list(widgets.__all__)
    if args.apps:
        wanted = [n.strip() for n in args.apps.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            parser.error(f"unknown apps {unknown}; choose from {', '.join(names)}")
        names = wanted
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")

    t_start = time.perf_counter()
    print("Backprop Lab browser benchmark: the apps in JupyterLab + Chromium, as a learner feels them")
    report = run(args, names)
    print_report(report)
    report["total_s"] = time.perf_counter() - t_start
    print(f"\ntotal {report['total_s']:.0f} s (opening and running the notebook {report.get('open_and_run_s', 0):.0f} s);"
          f" load average (1 min) at the end {report['load_after']:.2f}"
          " (this run keeps about 2 cores busy: kernel, browser, server)")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
        print(f"results saved to {args.json}")


if __name__ == "__main__":
    main()

"""Every lesson in a real browser: JupyterLab served on 127.0.0.1, driven by Chromium
through Playwright, as a learner uses it.

One server and one browser serve all the lessons. For each lesson the test opens
`/lab/tree/lessons/NN_topic.ipynb?reset`, chooses Kernel -> "Restart Kernel and Run All
Cells..." in the menu, confirms, and waits until every code cell has an execution count
and the kernel is idle. Then it checks that:
- no widget failed to show ("Error displaying widget");
- no output holds a traceback (error outputs and stderr alike);
- the page logged no console error and raised no page error (RESTART_NOISE lists the
  messages JupyterLab itself logs while the kernel restarts, let through only then);
- in a lesson that shows an app: the apps' figures are drawn, and moving a control
  (a slider by keyboard, else a button, dropdown or toggle) redraws the figure: the
  canvas pixels differ before and after; in a lesson whose first app trains (the
  Playground), "step 1 epoch" redraws it each time and Play keeps painting frames (these
  are blitted: the canvas sends PNGs of the changed pixels); the frame rate is printed.
Each app is saved as a picture in test-artifacts/screenshots/ (the path is printed).
Beyond the lessons: every app of the package with each of its controls moved; ConvExplorer,
whose figure takes clicks, clicked on its feature map and given a weight typed from the
keyboard (`-k conv` runs that alone); every app at laptop and desktop sizes.

The server (tests/lab_server.py, shared with benchmarks/browser.py) runs with throwaway
config, settings and workspaces folders (nothing reaches the user's ~/.jupyter): no news
fetching (no network here, and no toast over the page), no windowed notebook rendering (so
every cell is in the page to be checked), and the environment's front-end extensions less
the JupyterLite kernel's (LEFT_OUT_EXTENSIONS).
Kernels start without MPLBACKEND, as a learner's do. The server also exposes the
JupyterLab app to the page (for opening lessons in place and knowing when a kernel is
ready) and skips the XSRF check (the test deletes sessions through the REST API).

Chromium is Debian's /usr/bin/chromium (scripts/test.sh installs it); Playwright never
downloads a browser here.
"""
import pathlib
import re
import time

import nbformat
import pytest

import widgets
from lab_server import CHROMIUM, CHROMIUM_ARGS, KERNEL_READY, jupyterlab, shut_down_kernels

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LESSONS]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
RUN_ALL_TIMEOUT = 180        # seconds for one lesson's "Run All"
REDRAW_TIMEOUT = 6           # seconds for a figure to change after a control moved
DRAW_TIMEOUT = 15            # seconds for the apps' figures to appear after the run
# JupyterLab's own chatter while a kernel restarts, before any cell of the lesson has run;
# it is let through only in that window. Each entry: a substring and why it is harmless.
RESTART_NOISE = {
    "message before replies were done":
        "'Canceled future for debug_request / kernel_info_request / create_subshell_request message"
        " before replies were done': JupyterLab cancels the requests it has in flight to a kernel"
        " when the kernel restarts, and logs (or leaves unhandled) the cancellation",
    "Comm not found for comm id":
        "a message of the old kernel's comm (the debugger's or the widget manager's control comm)"
        " arrives after the front end dropped that comm for the restart",
}
PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"
RUN_STARTED = f"() => {PROMPTS}.some(t => /\\[\\d+\\]/.test(t))"
RUN_OVER = f"""() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null
                   && !{PROMPTS}.some(t => t.includes('*'))"""
FIGURE = "canvas.backprop-figure"      # an app's figure (widgets/canvas.py's view)
PIXELS = """canvas => {
    if (canvas.width === 0 || canvas.height === 0) return [0, 0];
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0, ink = 0;
    for (let i = 0; i < d.length; i += 4) {
        h = (Math.imul(h, 31) + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
        if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) ink++;
    }
    return [h, ink];
}"""


# --------------------------------------------------------------------------
# Server and browser
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab on 127.0.0.1 at a free port, serving the repository; yields its URL."""
    with jupyterlab(ROOT, tmp_path_factory.mktemp("jupyterlab")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Console errors and page errors of one page, each marked with whether it came while the
    kernel restarted (before any cell had run); errors() leaves out RESTART_NOISE from then."""

    def __init__(self, page):
        self.messages = []
        self.restarting = False
        page.on("console", lambda msg: msg.type == "error" and self.add(msg.text))
        page.on("pageerror", lambda err: self.add(f"pageerror: {err}"))

    def add(self, text):
        self.messages.append((self.restarting, text))

    def errors(self):
        return [text for restarting, text in self.messages
                if not (restarting and any(noise in text for noise in RESTART_NOISE))]


@pytest.fixture(scope="module")
def page(browser):
    """One tab for all the lessons, tall enough for most apps to fit in a screenshot."""
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.set_default_timeout(60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots of the apps: {SCREENSHOTS}")
    yield page
    page.close()


@pytest.fixture(scope="module")
def console(page):
    return Console(page)


# --------------------------------------------------------------------------
# Driving a lesson
# --------------------------------------------------------------------------

OPEN_IN_PLACE = """async path => {
    const app = window.jupyterapp;
    for (const widget of [...app.shell.widgets('main')]) {
        if (widget.context) widget.context.model.dirty = false;   // no "save changes?" dialog
        widget.dispose();
    }
    await app.commands.execute('docmanager:open', {path});
}"""


def open_lesson(page, url, lesson):
    """Open the lesson alone in the main area: the first one from its URL in a fresh workspace
    (with the file browser folded away to leave room for the apps), the next ones in the same
    JupyterLab (`docmanager:open`, what a double click in the file browser does), which saves
    JupyterLab's start-up of about 3.5 s per lesson."""
    path = lesson.relative_to(ROOT).as_posix()
    if page.url.startswith(f"{url}/lab"):
        page.evaluate(OPEN_IN_PLACE, path)
    else:
        page.goto(f"{url}/lab/tree/{path}?reset")
        page.click(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    page.wait_for_selector(f".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel:text-is('{lesson.name}')")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_function(KERNEL_READY, polling=100)


def restart_and_run_all(page, console):
    """Kernel -> Restart Kernel and Run All Cells, confirm, and wait until the run is over
    (the kernel idle and no cell queued: the run reached the end or stopped at an error)."""
    page.click(".lm-MenuBar-itemLabel:text-is('Kernel')")
    page.click(".lm-Menu-itemLabel:has-text('Restart Kernel and Run All Cells')")
    console.restarting = True
    page.click(".jp-Dialog button.jp-mod-accept")
    page.wait_for_function(RUN_STARTED, timeout=RUN_ALL_TIMEOUT * 1000, polling=100)
    console.restarting = False
    page.wait_for_function(RUN_OVER, timeout=RUN_ALL_TIMEOUT * 1000, polling=500)


def cells_not_run(page):
    """Numbers (from 1) of the code cells left without an execution count."""
    prompts = page.evaluate(f"() => {PROMPTS}")
    return [k + 1 for k, text in enumerate(prompts) if not re.search(r"\[\d+\]", text)]


def tracebacks(page):
    """Texts of outputs that show a traceback or an error."""
    texts = page.eval_on_selector_all(
        ".jp-OutputArea-output", "els => els.map(e => [e.dataset.mimeType || '', e.innerText])")
    return [text[:2000] for mime, text in texts
            if "Traceback" in text or (mime == "application/vnd.jupyter.stderr" and "Error" in text)]


def shows_an_app(lesson):
    """Whether the lesson builds an app of the course's widgets package."""
    sources = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    return any("from widgets" in s or "import widgets" in s for s in sources)


def app_outputs(page):
    """The output areas that hold an app's figure (one per app shown)."""
    return page.locator(".jp-OutputArea-output").filter(has=page.locator(FIGURE))


def pixels(canvas):
    return canvas.evaluate(PIXELS)


def controls(app):
    """Candidate controls of an app, in the order a learner would try them (not Play's
    buttons: playing goes on by itself, trains_live tries it; not the hidden toolbar's)."""
    buttons = [b for b in app.locator("button.jupyter-button:not(.mod-active)").all()
               if not b.evaluate("e => !!e.closest('.widget-play')")]
    found = [*app.locator(".widget-slider .noUi-handle").all(), *buttons,
             *app.locator(".widget-dropdown select").all(),
             *app.locator(".widget-checkbox input").all()]
    return [control for control in found if control.is_visible()
            and control.evaluate("e => !e.disabled && !e.closest('[disabled]')")]


# A control's name as the learner reads it: its label, or a button's text.
CONTROL_NAME = """e => {
    if (e.type === 'checkbox') return e.closest('label').innerText.trim();
    const box = e.closest('.widget-slider, .widget-dropdown, .widget-toggle-buttons');
    const label = box && box.querySelector('.widget-label');
    const own = e.tagName === 'BUTTON' ? e.innerText.trim() : '';
    return [label ? label.innerText.trim() : '', own].filter(Boolean).join(': ') || e.tagName;
}"""


def slider_value(handle):
    """A slider handle's value in full (aria-valuenow is rounded: 2.5 while the value is 2.53)."""
    return handle.get_attribute("aria-valuetext") or handle.get_attribute("aria-valuenow")


def move(control):
    """Move one control the way a person would: arrows on a slider, a click on a button,
    the next option of a dropdown."""
    control.scroll_into_view_if_needed()
    classes = control.get_attribute("class") or ""
    if "noUi-handle" in classes:
        control.focus()
        before = slider_value(control)
        for key in ("ArrowRight", "ArrowLeft"):     # left when the slider is at its right end
            for _ in range(3):
                control.press(key)
            if slider_value(control) != before:
                break
    elif control.evaluate("e => e.tagName") == "SELECT":
        options = control.locator("option").all()
        current = control.input_value()
        values = [o.get_attribute("value") for o in options]
        control.select_option(next(v for v in values if v != current))
    else:
        control.click()


def settled_pixels(page, canvas, timeout=5):
    """The canvas's pixel hash once two looks 300 ms apart agree (no redraw under way)."""
    deadline = time.monotonic() + timeout
    last = pixels(canvas)[0]
    while True:
        page.wait_for_timeout(300)
        now = pixels(canvas)[0]
        if now == last or time.monotonic() > deadline:
            return now
        last = now


def wait_for_change(page, canvas, before, timeout=REDRAW_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        if pixels(canvas)[0] != before:
            return True
    return False


def redraws_on_a_control(page, app):
    """Move the app's controls one at a time until its figure redraws; the control that did it."""
    canvas = app.locator(FIGURE).first
    for control in controls(app):
        before = settled_pixels(page, canvas)
        move(control)
        if wait_for_change(page, canvas, before):
            return control
    return None


# Counts the frames the figure's view paints on its canvas (one drawImage per frame).
COUNT_PAINTS = """canvas => {
    const ctx = canvas.getContext('2d');
    if (!ctx.paints) {
        const draw = ctx.drawImage.bind(ctx);
        ctx.drawImage = (...args) => { ctx.paints += 1; return draw(...args); };
    }
    ctx.paints = 0;
}"""
PAINTS = "canvas => canvas.getContext('2d').paints"
PLAY_SECONDS = 3


def trains_live(page, app):
    """For a training app (a "step 1 epoch" button and a Play widget): each step redraws the
    figure, and Play keeps painting new frames. Its frames are blitted, so this watches
    the PNGs of the changed pixels arrive and get painted. Returns the frames painted
    per second while playing (printed; a rough number, not a goal: the browser is shared
    with the kernel and the test)."""
    canvas = app.locator(FIGURE).first
    step = app.locator("button.jupyter-button", has_text="step 1 epoch")
    if step.count() == 0:
        return None
    for k in range(3):
        before = settled_pixels(page, canvas)
        step.first.click()
        assert wait_for_change(page, canvas, before), f"step {k + 1} did not redraw the figure"
    before = settled_pixels(page, canvas)
    canvas.evaluate(COUNT_PAINTS)
    buttons = app.locator(".widget-play button")        # play, pause, stop
    buttons.nth(0).click()
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    buttons.nth(1).click()
    painted = canvas.evaluate(PAINTS)
    assert painted > PLAY_SECONDS, f"playing for {PLAY_SECONDS} s painted only {painted} frames"
    assert settled_pixels(page, canvas) != before
    return painted / PLAY_SECONDS


def screenshot(app, name):
    app.scroll_into_view_if_needed()
    app.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def drawn(page, canvas, deadline):
    """Whether the canvas has a picture (non-white pixels) by the deadline (time.monotonic)."""
    while pixels(canvas)[1] == 0:
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(250)
    return True


def check_apps(page, console, lesson):
    """Every app's figure is drawn; a control of the first app redraws it; pictures of all."""
    apps = app_outputs(page).all()
    assert apps, "the lesson builds an app, but no app figure is in the page"
    blank = []
    deadline = time.monotonic() + DRAW_TIMEOUT
    for k, app in enumerate(apps):
        app.scroll_into_view_if_needed()
        if not drawn(page, app.locator(FIGURE).first, deadline):
            blank.append(k + 1)
            screenshot(app, f"{lesson.stem}-{k + 1}-blank")
    assert not blank, f"apps (numbered from 1) whose figure stays blank: {blank}; console: {console.errors()}"
    assert redraws_on_a_control(page, apps[0]) is not None, "no control of the first app redrew its figure"
    rate = trains_live(page, apps[0])
    if rate is not None:
        print(f"\n{lesson.stem}: 3 steps redrew the figure; Play painted {rate:.0f} frames/s in the browser")
    for k, app in enumerate(apps):
        screenshot(app, f"{lesson.stem}-{k + 1}")


# --------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_runs_in_jupyterlab(server, page, console, lesson):
    console.messages.clear()
    t = time.perf_counter()
    try:
        open_lesson(page, server, lesson)
        restart_and_run_all(page, console)
        ran = time.perf_counter() - t
        assert tracebacks(page) == []
        assert cells_not_run(page) == [], "code cells (numbered from 1) that did not run"
        assert page.get_by_text("Error displaying widget").count() == 0, "a widget failed to display"
        if shows_an_app(lesson):
            check_apps(page, console, lesson)
        assert console.errors() == []
        print(f"\n{lesson.stem}: opened and ran in {ran:.1f} s, checked in {time.perf_counter() - t:.1f} s")
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / f"{lesson.stem}-FAILED-page.png"))
        raise
    finally:
        shut_down_kernels(server)



# --------------------------------------------------------------------------
# Every app, every control
# --------------------------------------------------------------------------

APPS = widgets.__all__      # every app the package exports
CONTROL_TIMEOUT = 3         # seconds to wait for a redraw after one control moved
# Controls that only set how the next training steps run, so the figure rightly stays as it
# is until the learner trains, and the stepper's "hide numbers" before any gradient is shown.
NO_REDRAW_EXPECTED = {
    "Playground": {"batch size", "learning rate", "optimizer"},
    "GradientFlow": {"learning rate", "steps"},
    "BackpropStepper": {"hide numbers"},
    # the learning rate sizes the next gradient step: the text beside the figure says it, the figure
    # (activation, plane, gradient bars) is the same until the learner presses "gradient step"
    "NeuronExplorer": {"learning rate"},
    # before any training, a new l2 gives the same untrained network (same seed, same picture)
    "RegularizationExplorer": {"l2", "epochs per run"},
}


def all_apps_notebook(name, apps=APPS):
    """test-artifacts/<name>.ipynb: one cell per app of the package (or of ``apps``), each shown
    with its defaults."""
    notebook = ROOT / "test-artifacts" / f"{name}.ipynb"
    notebook.parent.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(f"from widgets import {app}\n{app}()") for app in apps]
    nbformat.write(nb, notebook)
    return notebook


LEARNER_EDITION = ROOT / "test-artifacts" / "learner-edition"      # served: the server's root is ROOT


@pytest.mark.parametrize("name", ["01_welcome", "15_capstone"])
def test_run_all_in_the_learner_edition_goes_past_failed_checks(server, page, console, name):
    """The learner edition as `backprop-lab workspace` writes it: "Restart Kernel and Run All"
    runs every cell although each unfinished exercise's check fails (its cell carries the
    raises-exception tag, so JupyterLab does not stop the queue); each failure shows its
    sentence, with no traceback; no answer is in the page."""
    from backprop_lab import workspace
    workspace.build(LEARNER_EDITION)
    lesson = LEARNER_EDITION / f"{name}.ipynb"
    console.messages.clear()
    try:
        open_lesson(page, server, lesson)
        restart_and_run_all(page, console)
        assert cells_not_run(page) == [], "code cells (numbered from 1) that did not run"
        shown = page.eval_on_selector_all(".jp-OutputArea-output", "els => els.map(e => e.innerText)")
        failures = [text for text in shown if text.startswith("✗ ")]
        assert failures and all("Traceback" not in text and 'File "' not in text for text in shown)
        assert any("not implemented yet" in text for text in failures), failures
        assert "BEGIN SOLUTION" not in page.locator(".jp-Notebook").inner_text()
        assert page.get_by_text("Error displaying widget").count() == 0
        assert console.errors() == []
        print(f"\n{name} (learner edition): every cell ran; {len(failures)} checks said what is unfinished")
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / f"learner-{name}-FAILED-page.png"))
        raise
    finally:
        shut_down_kernels(server)


def test_every_control_of_every_app_in_jupyterlab(server, page, console):
    """Each app opened with its defaults in a notebook, and each of its enabled controls
    moved in turn as a learner would: no error anywhere (page, console, the app's status
    line), and every control redraws the figure but those in NO_REDRAW_EXPECTED."""
    notebook = all_apps_notebook("all_apps")
    console.messages.clear()
    try:
        open_lesson(page, server, notebook)
        restart_and_run_all(page, console)
        assert tracebacks(page) == []
        apps = app_outputs(page).all()
        assert len(apps) == len(APPS)
        report = {}
        for name, app in zip(APPS, apps):
            canvas = app.locator(FIGURE).first
            assert drawn(page, canvas, time.monotonic() + DRAW_TIMEOUT), f"{name}: figure blank"
            moved, still = [], []
            for control in controls(app):
                label = control.evaluate(CONTROL_NAME)
                before = settled_pixels(page, canvas)
                move(control)
                (moved if wait_for_change(page, canvas, before, CONTROL_TIMEOUT) else still).append(label)
                status = app.locator(".widget-html").all_inner_texts()
                assert not any("Error:" in text for text in status), f"{name}, {label}: {status}"
            screenshot(app, f"all_apps-{name}")
            report[name] = (moved, still)
            unexpected = set(still) - NO_REDRAW_EXPECTED.get(name, set())
            assert not unexpected, f"{name}: these controls did not redraw the figure: {unexpected}"
        assert console.errors() == []
        for name, (moved, still) in report.items():
            print(f"\n{name}: {len(moved)} of {len(moved) + len(still)} controls redrew the figure"
                  + (f"; not: {', '.join(still)}" if still else ""))
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "all_apps-FAILED-page.png"))
        raise
    finally:
        shut_down_kernels(server)
        notebook.unlink(missing_ok=True)


def test_conv_explorer_answers_a_click_and_a_typed_weight(server, page, console):
    """ConvExplorer, the app whose figure takes clicks: a click on a pixel of its feature map
    chooses that pixel (the readout names it, the frames move), and a weight typed in a kernel
    box from the keyboard (select, type, Tab) makes the kernel the learner's own and redraws."""
    from widgets import ConvExplorer
    local = ConvExplorer()                          # the same figure in this process: where out[4, 3] is
    x, y = local.axes["out"].transData.transform((3, 4))
    width, height = local.fig.canvas.get_width_height(physical=True)
    local.close()
    notebook = all_apps_notebook("conv_explorer", ["ConvExplorer"])
    console.messages.clear()
    try:
        open_lesson(page, server, notebook)
        restart_and_run_all(page, console)
        assert tracebacks(page) == []
        app = app_outputs(page).first
        canvas, readout = app.locator(FIGURE).first, app.locator(".backprop-readout")
        assert drawn(page, canvas, time.monotonic() + DRAW_TIMEOUT), "ConvExplorer: figure blank"
        app.scroll_into_view_if_needed()
        assert "out[2, 1] = sum of 9 products" in readout.inner_text()
        before = settled_pixels(page, canvas)
        box = canvas.bounding_box()                 # the canvas may be shown scaled to the column
        canvas.click(position={"x": x * box["width"] / width, "y": (height - y) * box["height"] / height})
        page.wait_for_function("e => e.innerText.includes('out[4, 3] = sum of 9 products')",
                               arg=readout.element_handle(), timeout=REDRAW_TIMEOUT * 1000)
        assert wait_for_change(page, canvas, before), "a click on the feature map did not redraw it"
        before = settled_pixels(page, canvas)
        centre = app.locator(".widget-text input").nth(4)      # K[1,1], row by row
        centre.focus()
        centre.press("Control+a")
        centre.type("7")
        centre.press("Tab")
        page.wait_for_function("e => e.innerText.includes('with your kernel')",
                               arg=readout.element_handle(), timeout=REDRAW_TIMEOUT * 1000)
        assert wait_for_change(page, canvas, before), "a typed weight did not redraw the figure"
        assert not any("Error:" in text for text in app.locator(".widget-html").all_inner_texts())
        assert console.errors() == []
        screenshot(app, "conv_explorer-clicked-and-typed")
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "conv_explorer-FAILED-page.png"))
        raise
    finally:
        shut_down_kernels(server)
        notebook.unlink(missing_ok=True)


# --------------------------------------------------------------------------
# On a laptop, for every learner
# --------------------------------------------------------------------------

LAPTOP = {"width": 1366, "height": 768}     # with JupyterLab's file browser open, as it opens
DESKTOP = {"width": 1920, "height": 1080}   # the same checks on a large screen: nothing sized for one only

# What of an app sticks out past the notebook's right edge (the visible notebook panel), in
# px, as [what, how far]; and whether its output area scrolls sideways.
OVERFLOW = """output => {
    const edge = output.closest('.jp-NotebookPanel').getBoundingClientRect().right;
    const parts = output.querySelectorAll(
        'canvas, .widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox,'
        + ' .widget-play, .widget-html, button');
    const out = [];
    for (const part of parts) {
        const box = part.getBoundingClientRect();
        if (box.width > 0 && box.right > edge + 0.5) {
            const label = part.getAttribute('aria-label') || part.innerText || part.className;
            out.push([label.trim().slice(0, 60), Math.round(box.right - edge)]);
        }
    }
    const scrolls = [...output.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1
        && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
    return {out, scrolls: scrolls.map(e => e.className.slice(0, 60)),
            column: Math.round(edge - output.getBoundingClientRect().left)};
}"""

# What a screen reader or a keyboard user would miss in an app: a figure without a name or
# that takes focus; a slider handle or a button without a name.
UNNAMED = """output => {
    const missing = [];
    for (const canvas of output.querySelectorAll('canvas.backprop-figure')) {
        if (canvas.getAttribute('role') !== 'img' || !(canvas.getAttribute('aria-label') || '').trim())
            missing.push('figure without a text alternative');
        if (canvas.tabIndex >= 0) missing.push('figure takes the keyboard focus');
    }
    for (const handle of output.querySelectorAll('.widget-slider .noUi-handle'))
        if (!(handle.getAttribute('aria-label') || '').trim()) missing.push('slider without a name');
    for (const button of output.querySelectorAll('button'))
        if (!(button.innerText.trim() || button.getAttribute('aria-label') || button.title || '').trim())
            missing.push('button without a name');
    return missing;
}"""

# Whether the focused element is inside the output area.
FOCUS_INSIDE = "output => output.contains(document.activeElement)"


@pytest.fixture(scope="module", params=[LAPTOP, DESKTOP], ids=["1366x768", "1920x1080"])
def laptop(browser, request):
    page = browser.new_page(viewport=request.param)
    page.set_default_timeout(60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield page
    page.close()


def tab_leaves(page, output, presses=40):
    """From the app's first control, Tab moves focus through the app and out of it (no trap)."""
    first = output.locator(".widget-slider .noUi-handle, button, select, input").first
    first.focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if not output.evaluate(FOCUS_INSIDE):
            return True
    return False


def test_every_app_fits_a_laptop_and_every_learner(server, laptop):
    """At 1366x768 (and again at 1920x1080) with the file browser open (JupyterLab's default),
    each app shown with its defaults: no figure or control past the notebook's right edge and no sideways scroll bar;
    the figure is a named image that takes no focus; every slider and button has a name; Tab
    walks out of the app (nothing traps the keyboard)."""
    size = "{width}x{height}".format(**laptop.viewport_size)
    notebook = all_apps_notebook(f"all_apps_{size}")
    console = Console(laptop)
    path = notebook.relative_to(ROOT).as_posix()
    try:
        laptop.goto(f"{server}/lab/tree/{path}?reset")
        laptop.wait_for_selector(".jp-DirListing")                   # the file browser is open
        laptop.wait_for_selector(".jp-Notebook .jp-Cell")
        laptop.wait_for_function(KERNEL_READY, polling=100)
        restart_and_run_all(laptop, console)
        assert tracebacks(laptop) == []
        apps = app_outputs(laptop).all()
        assert len(apps) == len(APPS)
        problems = {}
        for name, app in zip(APPS, apps):
            app.scroll_into_view_if_needed()
            assert drawn(laptop, app.locator(FIGURE).first, time.monotonic() + DRAW_TIMEOUT), f"{name}: blank"
            fit = app.evaluate(OVERFLOW)
            found = [f"{what} is {px} px past the notebook's edge" for what, px in fit["out"]]
            found += [f"scrolls sideways: {what}" for what in fit["scrolls"]]
            found += app.evaluate(UNNAMED)
            if not tab_leaves(laptop, app):
                found.append("Tab does not leave the app")
            if found:
                problems[name] = found
            screenshot(app, f"{size}-{name}")
        print(f"\nat {size} the notebook column is {fit['column']} px wide")
        assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
        assert console.errors() == []
    except Exception:
        laptop.screenshot(path=str(SCREENSHOTS / f"{size}-FAILED-page.png"))
        raise
    finally:
        shut_down_kernels(server)
        notebook.unlink(missing_ok=True)

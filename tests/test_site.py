"""The course website (scripts/site.sh, backprop_lab/site.py), built once per test run.

The site is built from a clean copy of the repository's tracked files (what CI and a
publisher have, see tracked_copy), with the executed lessons cached in the working copy's
.site-cache/ so a second run reuses them (test-artifacts/SITE_BUILD_TIME says how long the
build took: about 1.5 minutes cold on 2 cores, seconds when cached).
Then: one page per lesson, in course order; no answer, hidden test or traceback on any
page; math and images present; every internal link resolves; the home page is made from
the README; and Chromium (Debian's, through Playwright, as tests/test_browser.py drives it)
opens the home page and three lesson pages from a static server on 127.0.0.1, sees the math
typeset and the images loaded, and logs no console error.
"""
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import widgets

from backprop_lab import edition, site
from backprop_lab.exercises import source_text
from lab_server import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
LESSONS = site.lesson_files(ROOT)
ARTIFACTS = ROOT / "test-artifacts"
BUILD_TIMEOUT = 900          # seconds: a cold build runs every lesson once (about 1-2 min here)


def tracked_copy(root, dest):
    """Copy the repository's tracked files, as they stand, from ``root`` into ``dest``: what a
    clean clone holds (plus uncommitted edits to those files, so a developer tests their
    work), and nothing untracked (no .venv, caches, earlier builds or learner workspaces)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    for name in names.decode().split("\0"):
        source = root / name
        if name and source.is_file():           # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The site folder: scripts/site.sh run in a clean copy of the repository, with the JupyterLite
    build in its lite/ folder (SITE_WITH_LITE=1, so its links are checked too)."""
    scratch = tmp_path_factory.mktemp("site")
    clone, out = scratch / "clone", scratch / "_site"
    tracked_copy(ROOT, clone)
    env = dict(os.environ, SITE_PYTHON=sys.executable, SITE_CACHE=str(ROOT / ".site-cache"),
               SITE_OUT=str(out), SITE_WITH_LITE="1")
    start = time.perf_counter()
    run = subprocess.run(["bash", "scripts/site.sh"], cwd=clone, env=env,
                         capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "SITE_BUILD_TIME").write_text(f"{seconds:.0f} s\n{run.stdout}")
    print(f"\nsite built in {seconds:.0f} s:\n{run.stdout}")
    return out


def page_text(path):
    """A page's visible text: tags dropped, entities decoded (code is split into spans)."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def lesson_page(built, lesson):
    return built / f"{lesson.stem}.html"


def answer_only_lines(lesson):
    """Lines of a source lesson's answers and hidden tests that appear nowhere in its learner
    edition (so finding one on a page means an answer leaked), ignoring very short lines and
    lines of the engine's own code, which a lesson may print (lesson 15 shows
    SimpleRNN.backward after its exercise) and a learner can read in the package anyway."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    learner = "\n".join(source_text(c) for c in edition.learner_notebook(nb)["cells"])
    learner += "\n".join(path.read_text(encoding="utf-8") for folder in ("backprop", "widgets")
                         for path in sorted((ROOT / folder).glob("*.py")))
    secret = []
    for cell in nb["cells"]:
        inside = False
        for line in source_text(cell).split("\n"):
            if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 20 and line.strip() not in learner:
                secret.append(line.strip())
    return secret


# --------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------

def test_lesson_files_are_whatever_lessons_holds(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "17_capstone.ipynb", "notes.ipynb", "README.md"):
        (tmp_path / "lessons").mkdir(exist_ok=True)
        (tmp_path / "lessons" / name).write_text("{}")
    assert [p.name for p in site.lesson_files(tmp_path)] == ["01_a.ipynb", "02_b.ipynb", "17_capstone.ipynb"]


def test_a_cell_that_raised_stops_the_build_but_a_check_verdict_is_shown(tmp_path):
    images = site.Images(tmp_path, "lesson")
    crash = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": ["Traceback (most recent call last):"]}
    with pytest.raises(ValueError, match="ZeroDivisionError"):
        site.output_html(crash, images, 3)
    verdict = {"output_type": "error", "ename": "CheckFailed", "evalue": "f is not implemented yet",
               "traceback": ["\x1b[31m✗ f is not implemented yet\x1b[0m", 'Stuck? checks.hint("f") gives a hint.']}
    shown = site.output_html(verdict, images, 4)
    assert "✗ f is not implemented yet" in shown and "\x1b" not in shown and "hint" in shown


def test_a_widget_without_a_still_is_a_note_and_remote_images_become_text():
    view = {"output_type": "display_data", "metadata": {},
            "data": {site.WIDGET_VIEW: {"model_id": "1"}, "text/plain": "HBox()"}}
    assert "launch the lesson" in site.output_html(view, None, 1)
    badge = "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/a/b/HEAD)"
    assert site.without_remote_images(badge) == "[Binder](https://mybinder.org/v2/gh/a/b/HEAD)"


def test_links_in_a_lesson_go_to_pages_or_to_the_repository():
    rewrite = site.lesson_links("https://github.com/o/n/blob/HEAD/", {"05_chain_rule"})
    assert rewrite("05_chain_rule.ipynb#Objectives") == "05_chain_rule.html#Objectives"
    assert rewrite("../backprop/layers.py") == "https://github.com/o/n/blob/HEAD/backprop/layers.py"
    assert rewrite("https://example.org/a") == "https://example.org/a"


def test_every_lesson_has_a_page_listed_in_course_order(built):
    assert LESSONS, "no lessons found"
    for lesson in LESSONS:
        assert lesson_page(built, lesson).is_file(), f"no page for {lesson.name}"
    for page in [built / "index.html", built / "instructors.html"] + [lesson_page(built, l) for l in LESSONS]:
        raw = page.read_text(encoding="utf-8")
        toc = re.search(r'<nav class="toc".*?</nav>', raw, re.S).group(0)
        listed = re.findall(r'href="(\d\d_[^"]+)\.html"', toc)
        assert listed == [l.stem for l in LESSONS], f"{page.name}: table of contents {listed}"


def test_no_page_shows_an_answer_a_hidden_test_or_a_traceback(built):
    for lesson in LESSONS:
        text = page_text(lesson_page(built, lesson))
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "Traceback", "Error displaying widget"):
            assert marker not in text, f"{lesson.stem}: '{marker}' on the page"
        leaked = [line for line in answer_only_lines(lesson) if line in text]
        assert not leaked, f"{lesson.stem}: answer lines on the page: {leaked[:3]}"
        if '"solution": true' in lesson.read_text(encoding="utf-8"):
            assert "raise NotImplementedError()" in text, f"{lesson.stem}: an exercise without its stub"
    for page in ("index.html", "instructors.html"):
        assert "Traceback" not in page_text(built / page)


def test_pages_hold_math_and_images_with_alt_text(built):
    assert (built / site.MATHJAX).stat().st_size > 1_000_000, "MathJax is not in the site"
    assert "Apache License" in (built / "mathjax" / "LICENSE").read_text(), "MathJax's licence is not beside it"
    for lesson in LESSONS:
        raw = lesson_page(built, lesson).read_text(encoding="utf-8")
        assert f'src="{site.MATHJAX}"' in raw
        markdown = "".join(source_text(c) for c in json.loads(lesson.read_text())["cells"] if c["cell_type"] == "markdown")
        if "$" in markdown:
            assert re.search(r"\$[^$\s][^$]*\$", page_text(lesson_page(built, lesson))), f"{lesson.stem}: no math"
        for tag in re.findall(r"<img\b[^>]*>", raw):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            assert (built / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{lesson.stem}: {src} is not a PNG"
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{lesson.stem}: {src} has no alt text"
    assert len(list((built / "images").glob("*.png"))) >= len(LESSONS), "too few figures"


def shows_an_app(source):
    """Whether a cell makes one of the course's apps and shows it as its value (``app``)."""
    lines = source.strip().split("\n")
    made = re.search(rf"^(\w+) = (?:widgets\.)?({'|'.join(widgets.__all__)})\(", source, re.M)
    return bool(made) and lines[-1].strip() == made.group(1)


def test_each_app_is_a_still_with_a_caption(built):
    for lesson in LESSONS:
        nb = json.loads(lesson.read_text(encoding="utf-8"))
        apps = [c for c in nb["cells"] if c["cell_type"] == "code" and shows_an_app(source_text(c))]
        raw = lesson_page(built, lesson).read_text(encoding="utf-8")
        stills = re.findall(r'<figure class="app-still"><img [^>]+><figcaption>(.*?)</figcaption>', raw, re.S)
        assert len(stills) >= len(apps), f"{lesson.stem}: {len(apps)} app cells, {len(stills)} stills"
        for caption in stills:
            assert "Its controls:" in caption and "launch the lesson" in caption


def test_internal_links_resolve(built):
    pages = sorted(built.glob("*.html"))      # the site's own pages (lite/ is JupyterLite's)
    ids = {p.name: set(re.findall(r'\bid="([^"]+)"', p.read_text(encoding="utf-8"))) for p in pages}
    broken = []
    for page in pages:
        for link in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            link = html.unescape(link)
            if re.match(r"[a-z]+:", link):
                continue                  # http(s) launch and repository links, data: URIs
            parts = urlsplit(link)
            target = page.name if not parts.path else unquote(parts.path)
            if not (built / target).is_file():
                broken.append(f"{page.name} -> {link}")
            elif parts.fragment and parts.fragment not in ids.get(target, ()):
                broken.append(f"{page.name} -> {link} (no such anchor)")
    assert not broken, broken


def test_home_page_is_made_from_the_readme(built):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = page_text(built / "index.html")
    for command in ("bash scripts/lab.sh", "bash scripts/test.sh"):
        assert command in text
    for number, title in re.findall(r"^\| (\d\d) \| ([^|]+?) \|", site.markdown_section(readme, "Course map"), re.M):
        assert f"{number}\n{title}" in text or title in text, f"course map row {number} {title} missing"
    raw = (built / "index.html").read_text(encoding="utf-8")
    course_map = re.search(r'<section id="course-map">.*?</section>', raw, re.S).group(0)
    for lesson in LESSONS:
        assert f'href="{lesson.stem}.html"' in course_map, f"the course map does not link {lesson.stem}"
    assert 'href="instructors.html"' in raw
    assert site.binder_url(readme).format(lesson=LESSONS[0].name) in html.unescape(raw)
    assert "nbgrader" in page_text(built / "instructors.html")


def test_each_lesson_page_launches_its_lesson_on_binder(built):
    binder = site.binder_url((ROOT / "README.md").read_text(encoding="utf-8"))
    for lesson in LESSONS:
        raw = html.unescape(lesson_page(built, lesson).read_text(encoding="utf-8"))
        assert f'href="{binder.format(lesson=lesson.name)}"' in raw


def test_each_lesson_page_launches_its_lesson_in_jupyterlite(built):
    for lesson in LESSONS:
        raw = html.unescape(lesson_page(built, lesson).read_text(encoding="utf-8"))
        assert f'href="lite/lab/index.html?path={lesson.name}"' in raw
        notebook = json.loads((built / "lite" / "files" / lesson.name).read_text(encoding="utf-8"))
        assert "BEGIN SOLUTION" not in json.dumps(notebook), "the JupyterLite copy is not the learner edition"


# --------------------------------------------------------------------------
# In Chromium
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def static_server(built):
    """The site on a static HTTP server at 127.0.0.1 (a free port); yields its URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


IMAGES_LOADED = "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
SHOWN = ["index.html"] + [f"{LESSONS[i].stem}.html" for i in sorted({0, len(LESSONS) // 2, len(LESSONS) - 1})]


@pytest.mark.parametrize("name", SHOWN)
def test_chromium_shows_math_and_images_without_errors(static_server, name):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            errors = []
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
            page.on("pageerror", lambda err: errors.append(f"pageerror: {err}"))
            page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
            page.goto(static_server + name, wait_until="load")
            # MathJax replaces window.MathJax (the configuration) with itself once loaded;
            # startup.promise settles when the first typesetting is over
            page.wait_for_function("() => !!(window.MathJax && MathJax.startup && MathJax.startup.promise)",
                                   timeout=30_000)
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
            page.wait_for_function(IMAGES_LOADED, timeout=30_000)
            typeset = page.locator("mjx-container svg").count()
            bad = page.locator("mjx-merror").count()
            images = page.evaluate("document.images.length")
            page.screenshot(path=str(ARTIFACTS / f"site-{name}.png"))
        finally:
            browser.close()
    assert errors == []
    assert bad == 0, f"{bad} formulas MathJax could not typeset"
    if name != "index.html":
        assert typeset > 0, "no typeset math"
        assert images > 0, "no images"

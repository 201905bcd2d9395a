"""The course website: every lesson of the learner edition, executed, as a static HTML site.

``bash scripts/site.sh`` runs ``python -m backprop_lab.site``. The steps:

1. the learner edition of every notebook in ``lessons/`` (whatever it holds, in file-name
   order): answers are stubs, hidden tests are gone (``edition.learner_notebook``);
2. each one executed in a Jupyter kernel (nbclient) in a scratch folder, with two hooks
   installed in the kernel first (``KERNEL_SETUP``): an app shown as a cell's value also
   yields a PNG of its figure as the app first draws it, with its text alternative and a
   caption; a Matplotlib figure gets a text alternative made from its titles and labels.
   A cell that raises stops the build: no page shows a traceback. Executed notebooks are
   kept in a cache keyed by the notebook and the course's code, so an unchanged lesson is
   not run twice;
3. one HTML page per lesson (markdown, code, outputs; images as files with alt text; each
   app as its still and caption), launch links (Binder, and JupyterLite when its site is
   published beside this one), a home page (the README's introduction, course map and
   quick start, so nothing is written twice) and the instructors' guide.

Math is typeset in the reader's browser by MathJax 3 (its SVG output: no font files),
copied from the npm package into the site, so the site needs nothing from another host.

Why not Jupyter Book 2 / mystmd: ``jupyter book build --html`` (and ``myst build
--html``) fetch the book theme at build time, first asking api.mystmd.org which
template to use, then downloading it from GitHub. Neither host is reachable from the
project's machines (only package registries are), and the built theme is not published
as a package on PyPI or npm; so this module renders the pages itself.
"""
import argparse
import base64
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from backprop_lab import edition
from backprop_lab.exercises import lesson_title, source_text

ANSI = re.compile(r"\x1b\[[0-9;]*m")    # colour codes in a terminal-style output
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SITE_META = "backprop-site"           # the key under which the kernel hooks put alt text and captions
CELL_TIMEOUT = 600                    # seconds for one cell (lesson 13 trains on the digits)
MATHJAX = "mathjax/tex-svg-full.js"   # in the site; copied from the npm package "mathjax"

# Run in the kernel before a lesson's first cell (then removed from the notebook).
# An app's _repr_mimebundle_ gives only the widget view; registering an image/png
# formatter for App adds a picture of its figure to the same output, drawn in full the
# way the app's first frame in the browser is (canvas.draw: static part, then the moving
# artists). Matplotlib's inline backend asks _fetch_figure_metadata for each figure it
# shows: wrapping it adds an "alt" made from the figure's own titles and labels.
KERNEL_SETUP = r'''
def _backprop_site_hooks():
    import numpy as np
    from IPython import get_ipython
    from matplotlib_inline import backend_inline
    from widgets.app import App
    from widgets.canvas import encode_png

    def describe(fig):
        parts = []
        if fig._suptitle is not None and fig._suptitle.get_text():
            parts.append(fig._suptitle.get_text())
        for ax in fig.axes:
            words = [t for t in (ax.get_title(), ax.get_xlabel() and "x: " + ax.get_xlabel(),
                                 ax.get_ylabel() and "y: " + ax.get_ylabel()) if t]
            legend = ax.get_legend()
            if legend is not None:
                words.append("legend: " + ", ".join(t.get_text() for t in legend.get_texts()))
            if not words:       # a diagram without axes: what is written on it
                words = [" ".join(t.get_text().split()) for t in ax.texts if t.get_text().strip()]
            if words:
                parts.append(", ".join(words))
        return "Figure: " + "; ".join(parts) if parts else ""

    def still(app):
        canvas = app.fig.canvas
        canvas.draw()
        png = encode_png(np.asarray(canvas.buffer_rgba()))
        doc = (type(app).__doc__ or "").strip().split("\n")[0]
        controls = [getattr(w, "description", "") or name for name, w in app.controls.items()]
        meta = {"alt": canvas.view.alt or describe(app.fig), "app": type(app).__name__,
                "summary": doc, "controls": controls}
        return png, {"%s": meta}

    get_ipython().display_formatter.formatters["image/png"].for_type(App, still)
    fetch = backend_inline._fetch_figure_metadata

    def with_alt(fig):
        meta = dict(fetch(fig) or {})
        meta["%s"] = {"alt": describe(fig)}
        return meta

    backend_inline._fetch_figure_metadata = with_alt


_backprop_site_hooks()
del _backprop_site_hooks
''' % (SITE_META, SITE_META)


# ---------------------------------------------------------------------------------------
# Sources: lessons, README sections, repository address
# ---------------------------------------------------------------------------------------

def lesson_files(repo):
    """The source lessons in course order: every ``NN_topic.ipynb`` in ``repo/lessons``."""
    return sorted((Path(repo) / "lessons").glob("[0-9][0-9]_*.ipynb"))


def markdown_section(text, heading):
    """The body of the level-2 section ``## heading`` of a markdown text (without its heading)."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        raise ValueError(f"no '## {heading}' section")
    return match.group(1).strip()


def markdown_intro(text):
    """What comes between a markdown text's title and its first ``##`` section."""
    body = re.split(r"^## ", text, maxsplit=1, flags=re.M)[0]
    return re.sub(r"\A#[^\n]*\n", "", body).strip()


def without_remote_images(text):
    """Markdown whose images from other hosts (the README's Binder badge) are their alt text:
    the site loads nothing from elsewhere (it must work offline, and a reader's browser
    should not be sent to a third party just to draw a badge)."""
    return re.sub(r"!\[([^\]]*)\]\((?:https?:)?//[^)]+\)", r"\1", text)


def binder_url(readme):
    """The README badge's Binder link, with ``{lesson}`` where the notebook's file name goes."""
    link = r"\((https://mybinder\.org/v2/gh/[^)\s]*?urlpath=lab/tree/[^)\s]*/)[^/)\s]+\.ipynb\)"
    match = re.search(link, readme)
    if not match:
        raise ValueError("README.md has no Binder badge that opens a lesson")
    return match.group(1) + "{lesson}"


def github_blob(readme):
    """``https://github.com/owner/name/blob/HEAD/``: where a repository file's link points
    (the owner/name of the README's Binder badge, so a moved repository changes one place)."""
    owner_name = re.search(r"mybinder\.org/v2/gh/([^/]+/[^/]+)/", readme).group(1)
    return f"https://github.com/{owner_name}/blob/HEAD/"


# ---------------------------------------------------------------------------------------
# Execution
# ---------------------------------------------------------------------------------------

def code_digest(repo):
    """A digest of the course's code (engine, apps, tools): a cached run is stale when it changes."""
    digest = hashlib.sha256(KERNEL_SETUP.encode())
    for package in ("backprop", "widgets", "backprop_lab"):
        for path in sorted((Path(repo) / package).rglob("*")):
            # this module's rendering does not change what a lesson outputs: KERNEL_SETUP does
            if path.is_file() and "__pycache__" not in path.parts and path.name != "site.py":
                digest.update(str(path.relative_to(repo)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def kernel_env(repo):
    """The kernel's environment: the course's code from ``repo`` first on the path, and no
    MPLBACKEND (so ipykernel picks the inline backend and figures become outputs)."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(repo)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["BACKPROP_LAB_SOLUTIONS"] = "off"      # the site never shows a model solution
    return env


def execute(nb, repo, workdir):
    """``nb`` (a learner notebook, nbformat node) executed in a fresh kernel in ``workdir``.

    The setup cell (KERNEL_SETUP) runs first and is removed afterwards. A cell that raises
    raises here (nbclient's CellExecutionError): the site is never built around a traceback.
    """
    import nbformat
    from nbclient import NotebookClient
    setup = nbformat.v4.new_code_cell(KERNEL_SETUP)
    nb.cells.insert(0, setup)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(env=kernel_env(repo))
    finally:
        nb.cells.remove(setup)
    return nb


def executed_lessons(repo, cache, log=print):
    """[(stem, executed learner notebook)] for every lesson, from the cache when it is current."""
    import nbformat
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    code = code_digest(repo)
    done = []
    with tempfile.TemporaryDirectory(prefix="backprop-site-") as scratch:
        for path in lesson_files(repo):
            learner = edition.learner_notebook(json.loads(path.read_text(encoding="utf-8")))
            text = edition.dumps(learner)
            key = hashlib.sha256((code + text).encode()).hexdigest()[:20]
            cached = cache / f"{path.stem}-{key}.ipynb"
            if cached.exists():
                log(f"{path.stem}: executed before (cache)")
                done.append((path.stem, nbformat.reads(cached.read_text(encoding="utf-8"), 4)))
                continue
            start = time.perf_counter()
            workdir = Path(scratch) / path.stem
            workdir.mkdir()
            nb = execute(nbformat.reads(text, 4), repo, workdir)
            log(f"{path.stem}: executed in {time.perf_counter() - start:.0f} s")
            for old in cache.glob(f"{path.stem}-*.ipynb"):
                old.unlink()
            cached.write_text(nbformat.writes(nb), encoding="utf-8")
            done.append((path.stem, nb))
    return done


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------

def markdown_html(text, links=None):
    """Markdown (with $math$ left for MathJax) as HTML; ``links`` rewrites each relative href."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    out = markdown2html_mistune(text)
    if links:
        def rewrite(match):
            return f'href="{html.escape(links(html.unescape(match.group(1))))}"'
        out = re.sub(r'href="([^"#][^"]*)"', rewrite, out)
    return out


def code_html(source):
    """Python source, highlighted by Pygments (class names of its HtmlFormatter)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    if source.lstrip().startswith(("%", "!")):
        return f'<div class="highlight"><pre>{html.escape(source)}</pre></div>'
    return highlight(source, PythonLexer(), HtmlFormatter(nowrap=False))


class Images:
    """Writes a page's pictures into ``images/`` as ``<stem>-<n>.png`` and numbers them."""

    def __init__(self, out, stem):
        self.folder = Path(out) / "images"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.stem = stem
        self.count = 0

    def save(self, b64):
        self.count += 1
        name = f"{self.stem}-{self.count}.png"
        (self.folder / name).write_bytes(base64.b64decode(b64))
        return f"images/{name}"


def app_caption(meta):
    """What a still of an app says under it: what the app shows and what the learner can move."""
    controls = ", ".join(c for c in meta.get("controls", []) if c)
    words = f"<strong>{html.escape(meta['app'])}</strong>: {html.escape(meta.get('summary', ''))}"
    if controls:
        words += f" Its controls: {html.escape(controls)}."
    return words + (" A still picture of the app's first view: launch the lesson to use the controls"
                    " and watch the figure follow them.")


def check_verdict_html(output, cell_number):
    """A check cell's verdict before any attempt ("✗ name is not implemented yet", where the
    hint is): the lines a learner sees in JupyterLab. A check cell (tagged raises-exception,
    which is why nbclient went on) raises ``CheckFailed``, whose ``_render_traceback_`` gives
    those lines instead of a traceback. Any other error stops the build."""
    if output.get("ename") != "CheckFailed":
        raise ValueError(f"cell {cell_number} raised {output.get('ename')}: {output.get('evalue')}")
    lines = [ANSI.sub("", line) for line in output.get("traceback", [])]
    return f'<pre class="output check-verdict">{html.escape(chr(10).join(lines))}</pre>'


def output_html(output, images, cell_number):
    """One output of a code cell as HTML ('' for what a static page cannot show)."""
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="output stream {output["name"]}">{html.escape(output["text"])}</pre>'
    if kind == "error":
        return check_verdict_html(output, cell_number)
    data, meta = output.get("data", {}), output.get("metadata", {})
    site = meta.get(SITE_META) or meta.get("image/png", {}).get(SITE_META, {})
    if WIDGET_VIEW in data and "image/png" in data and site.get("app"):
        src = images.save(data["image/png"])
        return (f'<figure class="app-still"><img src="{src}" alt="{html.escape(site["alt"])}">'
                f"<figcaption>{app_caption(site)}</figcaption></figure>")
    if WIDGET_VIEW in data:
        return '<p class="widget-note">An interactive control: launch the lesson to use it.</p>'
    if "image/png" in data:
        src = images.save(data["image/png"])
        alt = site.get("alt") or f"A figure drawn by cell {cell_number}."
        return f'<figure><img src="{src}" alt="{html.escape(alt)}"></figure>'
    if "text/html" in data:
        return f'<div class="output html">{source_text({"source": data["text/html"]})}</div>'
    if "text/markdown" in data:
        return markdown_html(source_text({"source": data["text/markdown"]}))
    if "text/plain" in data:
        return f'<pre class="output">{html.escape(source_text({"source": data["text/plain"]}))}</pre>'
    return ""


def notebook_html(nb, images, links=None):
    """The cells of an executed notebook as HTML: markdown, code (exercises as their stub), outputs."""
    parts = []
    for number, cell in enumerate(nb.cells, start=1):
        text = source_text(cell)
        if cell.cell_type == "markdown":
            parts.append(f'<div class="markdown">{markdown_html(text, links)}</div>')
        elif cell.cell_type == "code" and text.strip():
            exercise = cell.metadata.get("nbgrader", {}).get("solution")
            label = '<div class="exercise-label">Exercise: complete this cell</div>' if exercise else ""
            outputs = "".join(output_html(o, images, number) for o in cell.get("outputs", []))
            parts.append(f'<div class="cell{" exercise" if exercise else ""}">{label}'
                         f'<div class="input">{code_html(text)}</div>'
                         f'<div class="outputs">{outputs}</div></div>')
    return "\n".join(parts)


def page_html(title, body, nav, launch="", pager=""):
    """A whole page: the course's table of contents beside ``body``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Backprop Lab</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
<script>window.MathJax = {{tex: {{inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]]}},
  options: {{enableMenu: false}}, svg: {{fontCache: "global"}}}};</script>
<script defer src="{MATHJAX}"></script>
</head>
<body>
<nav class="toc" aria-label="Course contents">{nav}</nav>
<main>
{launch}
{body}
{pager}
</main>
</body>
</html>
"""


def nav_html(lessons, current):
    """The table of contents: home, every lesson in order, the instructors' guide."""
    items = [("index.html", "Home")] + [(f"{stem}.html", title) for stem, title in lessons] + \
            [("instructors.html", "For instructors")]
    here = ' aria-current="page"'
    links = "".join(f'<li><a href="{href}"{here if href == current else ""}>{html.escape(text)}</a></li>'
                    for href, text in items)
    return f'<p class="site-title"><a href="index.html">Backprop Lab</a></p><ol>{links}</ol>'


def launch_html(stem, binder, lite):
    """Links that open this lesson where it runs: Binder, and JupyterLite when published."""
    links = [f'<a class="launch" href="{html.escape(binder.format(lesson=stem + ".ipynb"))}">'
             "Open in Binder (JupyterLab)</a>"]
    if lite:
        links.append(f'<a class="launch" href="{html.escape(lite)}lab/index.html?path={stem}.ipynb">'
                     "Open in JupyterLite (runs in your browser)</a>")
    return '<p class="launch-links">' + " ".join(links) + "</p>"


def pager_html(lessons, index):
    """Previous and next lesson links at the bottom of lesson ``index``."""
    links = []
    if index > 0:
        stem, title = lessons[index - 1]
        links.append(f'<a rel="prev" href="{stem}.html">← {html.escape(title)}</a>')
    if index + 1 < len(lessons):
        stem, title = lessons[index + 1]
        links.append(f'<a rel="next" href="{stem}.html">{html.escape(title)} →</a>')
    return '<nav class="pager">' + " ".join(links) + "</nav>"


def repository_links(blob, pages):
    """A rewriter for links in README.md and INSTRUCTORS.md: a repository file becomes its
    address on GitHub, except the documents the site has a page for (``pages``: path -> page)."""
    def rewrite(href):
        if re.match(r"[a-z]+:", href) or href.startswith("/"):
            return href
        return pages.get(href, blob + href)
    return rewrite


def lesson_links(blob, stems):
    """A rewriter for links in a lesson's markdown: another lesson's notebook becomes its page,
    any other file of the repository its address on GitHub (lessons live in lessons/)."""
    def rewrite(href):
        if re.match(r"[a-z]+:", href) or href.startswith("/"):
            return href
        path, _, fragment = href.partition("#")
        if path.endswith(".ipynb") and Path(path).stem in stems:
            return Path(path).stem + ".html" + (f"#{fragment}" if fragment else "")
        return blob + posixpath.normpath(posixpath.join("lessons", href))
    return rewrite


def linked_course_map(table, stems):
    """The course map's HTML table with each lesson's name linked to its page (a row whose
    number no lesson file has, e.g. a lesson still on another branch, stays as it is)."""
    pages = {stem[:2]: f"{stem}.html" for stem in stems}

    def link(match):
        number, space, name = match.groups()
        if number not in pages:
            return match.group(0)
        return f'<td>{number}</td>{space}<td><a href="{pages[number]}">{name}</a></td>'
    return re.sub(r"<td>(\d\d)</td>(\s*)<td>([^<]*)</td>", link, table)


def home_html(readme, binder, links, stems):
    """The home page: what the course is, how to start, the course map (each lesson linked
    to its page), for instructors. Every word of it comes from README.md (one source for both)."""
    readme = without_remote_images(readme)
    intro = markdown_intro(readme)
    sections = [("What this course is", intro),
                ("How to start", markdown_section(readme, "Quick start") +
                 f"\n\nOr without installing anything: [open the first lesson on Binder]({binder})."),
                ("Course map", markdown_section(readme, "Course map")),
                ("For instructors", markdown_section(readme, "For instructors"))]
    body = ['<h1>Backprop Lab</h1>']
    for heading, text in sections:
        slug = re.sub(r"[^a-z]+", "-", heading.lower()).strip("-")
        content = markdown_html(text, links)
        if heading == "Course map":
            content = linked_course_map(content, stems)
        body.append(f'<section id="{slug}"><h2>{heading}</h2>{content}</section>')
    return "\n".join(body)


STYLE = """
body { margin: 0; display: flex; font: 16px/1.55 system-ui, sans-serif; color: #1d1d1f; }
nav.toc { width: 16rem; flex: none; padding: 1rem; border-right: 1px solid #ddd;
          position: sticky; top: 0; height: 100vh; overflow-y: auto; box-sizing: border-box; font-size: 0.92rem; }
nav.toc ol { padding-left: 0; list-style: none; }
nav.toc li { margin: 0.35rem 0; }
nav.toc a[aria-current] { font-weight: bold; }
.site-title { font-weight: bold; font-size: 1.15rem; }
main { flex: 1; max-width: 62rem; padding: 1rem 2rem 4rem; min-width: 0; }
a { color: #0b5cad; }
a.anchor-link { margin-left: 0.3em; text-decoration: none; opacity: 0.35; font-size: 0.8em; }
pre, code { font-family: ui-monospace, monospace; font-size: 0.88rem; }
.cell { margin: 1rem 0; }
.input .highlight pre { background: #f6f8fa; border-left: 3px solid #9ab; padding: 0.6rem; overflow-x: auto; }
.exercise .input .highlight pre { border-left-color: #c60; }
.exercise-label { font-weight: bold; color: #a04a00; }
pre.output { padding: 0.4rem 0.6rem; overflow-x: auto; white-space: pre-wrap; }
pre.stderr { background: #fff4e5; }
pre.check-verdict { background: #fdecea; border-left: 3px solid #b3261e; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.92rem; color: #444; }
.launch-links { display: flex; gap: 1rem; flex-wrap: wrap; }
a.launch { border: 1px solid #0b5cad; border-radius: 4px; padding: 0.25rem 0.6rem; text-decoration: none; }
nav.pager { display: flex; justify-content: space-between; margin-top: 3rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 0.3rem 0.5rem; vertical-align: top; }
"""


def write_assets(out, mathjax):
    """style.css, Pygments' colours, and MathJax's one-file SVG build (``mathjax``: its path)."""
    from pygments.formatters import HtmlFormatter
    (out / "style.css").write_text(STYLE + HtmlFormatter().get_style_defs(".highlight"), encoding="utf-8")
    (out / "mathjax").mkdir(exist_ok=True)
    shutil.copy(mathjax, out / MATHJAX)
    licence = Path(mathjax).with_name("LICENSE")
    if licence.exists():            # MathJax is Apache 2.0: its licence travels with it
        shutil.copy(licence, out / "mathjax" / "LICENSE")


def build(repo, out, mathjax, cache, lite=None, log=print):
    """Build the site of the course in ``repo`` into ``out`` (emptied first); returns the
    lesson pages' names in course order. ``mathjax``: MathJax 3's es5/tex-svg-full.js;
    ``lite``: the URL of the course's JupyterLite site (ending in /), or None."""
    repo, out = Path(repo).resolve(), Path(out)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    binder = binder_url(readme)
    pages = {"INSTRUCTORS.md": "instructors.html", "README.md": "index.html"}
    links = repository_links(github_blob(readme), pages)
    executed = executed_lessons(repo, cache, log)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    write_assets(out, mathjax)
    lessons = [(stem, lesson_title(nb)) for stem, nb in executed]
    in_lessons = lesson_links(github_blob(readme), {stem for stem, _ in lessons})
    for index, (stem, nb) in enumerate(executed):
        body = notebook_html(nb, Images(out, stem), in_lessons)
        page = page_html(lessons[index][1], body, nav_html(lessons, f"{stem}.html"),
                         launch_html(stem, binder, lite), pager_html(lessons, index))
        (out / f"{stem}.html").write_text(page, encoding="utf-8")
    stems = [stem for stem, _ in lessons]
    home = home_html(readme, binder.format(lesson=stems[0] + ".ipynb"), links, stems)
    (out / "index.html").write_text(page_html("Home", home, nav_html(lessons, "index.html")), encoding="utf-8")
    guide = markdown_html(without_remote_images((repo / "INSTRUCTORS.md").read_text(encoding="utf-8")), links)
    (out / "instructors.html").write_text(
        page_html("For instructors", guide, nav_html(lessons, "instructors.html")), encoding="utf-8")
    (out / ".nojekyll").write_text("")      # GitHub Pages: serve the folder as it is
    return [f"{stem}.html" for stem, _ in lessons]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", default=".", help="the course's repository (default: .)")
    parser.add_argument("--out", default="_site", help="where the site goes (emptied first)")
    parser.add_argument("--mathjax", required=True,
                        help="MathJax 3's es5/tex-svg-full.js (its LICENSE beside it is copied too)")
    parser.add_argument("--cache", default=None, help="executed notebooks (default: REPO/.site-cache)")
    parser.add_argument("--lite", default=None, help="URL of the JupyterLite site, ending in /")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    cache = args.cache or Path(args.repo) / ".site-cache"
    pages = build(args.repo, args.out, args.mathjax, cache, args.lite)
    print(f"site: {len(pages)} lesson pages in {args.out} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Build the course website into _site/ (a static site: publish that folder as it is).
# Every lesson of the learner edition (no answers, no hidden tests) is executed in a
# Jupyter kernel and rendered as a page with its figures, a still of each app, its math
# (MathJax, copied into the site) and links that launch it on Binder. Executed lessons
# are cached in .site-cache/ (or $SITE_CACHE) and reused while the lesson and the course's code are
# unchanged. Creates .venv on first use (as test.sh does), and installs Debian's nodejs
# and npm when npm is missing (as root or with sudo): npm fetches MathJax from the npm
# registry once. SITE_OUT: where the site goes (default _site). SITE_WITH_LITE=1: put the
# JupyterLite build of the course in the site's lite/ and link each lesson page to it.
# Extra arguments go to `python -m backprop_lab.site` (e.g. --lite URL of a JupyterLite
# site published elsewhere, ending in /).
set -euo pipefail
cd "$(dirname "$0")/.."
# SITE_PYTHON: a Python that has the test extras already (tests/test_site.py passes its own)
if [ -z "${SITE_PYTHON:-}" ]; then
    source scripts/venv.sh test
    SITE_PYTHON=.venv/bin/python
fi
MATHJAX_VERSION=3.2.2
SITE_CACHE=${SITE_CACHE:-.site-cache}
MATHJAX_DIR=$SITE_CACHE/mathjax-$MATHJAX_VERSION
if [ ! -f "$MATHJAX_DIR/tex-svg-full.js" ]; then
    if ! command -v npm >/dev/null; then
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    mkdir -p "$MATHJAX_DIR"
    # keep the one-file SVG build (no fonts to serve) and its licence (Apache 2.0), which the site carries
    (cd "$MATHJAX_DIR" && npm pack --silent "mathjax@$MATHJAX_VERSION" >/dev/null \
        && tar xzf "mathjax-$MATHJAX_VERSION.tgz" package/es5/tex-svg-full.js package/LICENSE \
        && mv package/es5/tex-svg-full.js package/LICENSE . && rm -r package "mathjax-$MATHJAX_VERSION.tgz")
fi
export PYTHONHASHSEED=0
export OPENBLAS_NUM_THREADS=1
SITE_OUT=${SITE_OUT:-_site}
LITE_ARGS=()
[ "${SITE_WITH_LITE:-0}" = 1 ] && LITE_ARGS=(--lite lite/)
"$SITE_PYTHON" -m backprop_lab.site --repo . --out "$SITE_OUT" --cache "$SITE_CACHE" \
    --mathjax "$MATHJAX_DIR/tex-svg-full.js" "${LITE_ARGS[@]}" "$@"
# SITE_WITH_LITE=1: the JupyterLite build of the course goes into the site's lite/ folder,
# and every lesson page links to its lesson there (as README.md's JupyterLite section builds it)
if [ "${SITE_WITH_LITE:-0}" = 1 ]; then
    OUT_ABS=$(cd "$SITE_OUT" && pwd)
    cd lite
    "$SITE_PYTHON" -m pip wheel .. --no-deps --quiet --wheel-dir pypi
    "$(dirname "$SITE_PYTHON")/jupyter" lite build --output-dir "$OUT_ABS/lite"
fi

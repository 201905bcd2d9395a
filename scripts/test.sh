#!/usr/bin/env bash
# Run every Backprop Lab test: engine, widgets, lessons, the instructor path (nbgrader),
# the lessons in a real browser (JupyterLab + Chromium), Binder and JupyterLite builds.
# Creates .venv on first use and installs the course with its test extras into it,
# and Debian's chromium when /usr/bin/chromium is missing (apt-get, as root or with sudo),
# so it works on a fresh machine with only python3 (3.10+). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh test
# the browser tests drive Debian's Chromium; Playwright never downloads a browser here
if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export MPLBACKEND=Agg            # widget tests draw off screen
export PYTHONHASHSEED=0
export OPENBLAS_NUM_THREADS=1     # small matrices: threads only fight the notebook kernels for the 2 cores
# one pytest run, so one summary line: unit and widget tests, then every lesson through nbval
.venv/bin/python -m pytest tests lessons --nbval-lax --nbval-current-env -p no:cacheprovider "$@"

#!/usr/bin/env bash
# Run every Backprop Lab test: engine, widgets and lessons.
# Creates .venv on first use and installs the course with its test extras into it,
# so it works on a fresh machine with only python3 (3.10+). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
export MPLBACKEND=Agg            # widget tests draw off screen
export PYTHONHASHSEED=0
export OPENBLAS_NUM_THREADS=1     # small matrices: threads only fight the notebook kernels for the 2 cores
# one pytest run, so one summary line: unit and widget tests, then every lesson through nbval
.venv/bin/python -m pytest tests lessons --nbval-lax --nbval-current-env -p no:cacheprovider "$@"

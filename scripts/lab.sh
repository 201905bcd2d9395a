#!/usr/bin/env bash
# Open the Backprop Lab course in JupyterLab.
# Creates .venv on first use and installs the course into it (numpy, Matplotlib,
# ipywidgets, ipympl, JupyterLab), then opens the first lesson. Extra arguments go to jupyter lab.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[lab]"
first=$(ls lessons/*.ipynb 2>/dev/null | head -n 1 || true)
exec .venv/bin/jupyter lab ${first:+"$first"} "$@"

#!/usr/bin/env bash
# Open the Backprop Lab course in JupyterLab.
# Creates .venv on first use and installs the course into it (numpy, Matplotlib,
# ipywidgets, ipympl, JupyterLab), then opens the first lesson. Extra arguments go to jupyter lab.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh lab
first=$(ls lessons/*.ipynb 2>/dev/null | head -n 1 || true)
exec .venv/bin/jupyter lab ${first:+"$first"} "$@"

#!/usr/bin/env bash
# Open the Backprop Lab course in JupyterLab, as a learner meets it.
# Creates .venv on first use and installs the course into it (numpy, Matplotlib,
# ipywidgets, ipympl, JupyterLab), writes the learner edition of every lesson into
# ./backprop-lab-course (no answers; your own edits are never overwritten by a later
# run), and opens its first lesson. Extra arguments go to jupyter lab.
# The instructor's source (answers, hidden tests) stays in lessons/: see INSTRUCTORS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh lab
exec .venv/bin/backprop-lab lab backprop-lab-course -- "$@"

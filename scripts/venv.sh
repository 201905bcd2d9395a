# Sourced by lab.sh and test.sh from the repository root: makes .venv on first use (with
# $PYTHON, python3 by default) and installs the course into it, editable, with the extras
# named by the first argument (lab or test).
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$1]"

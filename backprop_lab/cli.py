"""The ``backprop-lab`` command: a learner's workspace, JupyterLab on it, progress, and the
instructor's audit of submissions.

    backprop-lab workspace [DIR] [--no-solutions]   the learner edition of every lesson in DIR
    backprop-lab lab [DIR] [-- JUPYTER LAB ARGS]    the same, then JupyterLab on DIR
    backprop-lab progress [DIR]                     which exercises pass, per lesson, with points
    backprop-lab audit SUBMITTED_DIR [--source DIR] submissions that touch the checking machinery

DIR defaults to ./backprop-lab-course. Bad input (a DIR that is a file, not writable, or
inside the course's source lessons) gets one line on stderr and exit status 2, and
nothing is written. ``audit`` exits 1 when it lists anything, 0 when all is clean.
"""
import argparse
import importlib.util
import os
import sys
from pathlib import Path

from backprop_lab import coach, workspace


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"backprop-lab: error: {message}\n")


def _parser():
    parser = _Parser(prog="backprop-lab", description="Backprop Lab: the course's command.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ws = sub.add_parser("workspace", help="write the learner edition of every lesson into DIR")
    ws.add_argument("dir", nargs="?", default=workspace.DEFAULT_NAME, metavar="DIR")
    ws.add_argument("--no-solutions", action="store_true",
                    help="switch checks.solution off in this workspace (for graded work)")
    lab = sub.add_parser("lab", help="make or update the workspace, then open JupyterLab on it")
    lab.add_argument("dir", nargs="?", default=workspace.DEFAULT_NAME, metavar="DIR")
    lab.add_argument("--no-solutions", action="store_true", help="as for workspace")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, metavar="-- JUPYTER LAB ARGS")
    prog = sub.add_parser("progress", help="which exercises pass, per lesson, with points")
    prog.add_argument("dir", nargs="?", default=workspace.DEFAULT_NAME, metavar="DIR")
    audit = sub.add_parser("audit", help="list submissions that touch the checking machinery, call "
                                         "forbidden names or changed locked cells")
    audit.add_argument("submitted", metavar="SUBMITTED_DIR")
    audit.add_argument("--source", metavar="DIR", default=None,
                       help="the assignments' source notebooks (default: the course's lessons)")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return {"workspace": _workspace, "lab": _lab, "progress": _progress, "audit": _audit}[args.command](args)
    except workspace.WorkspaceError as err:
        print(f"backprop-lab: error: {err}", file=sys.stderr)
        return 2


def _workspace(args):
    report = workspace.build(args.dir, solutions=not args.no_solutions)
    where = Path(args.dir).expanduser().resolve()
    for line in report:
        print(line)
    print(f"The course is in {where}" + ("" if report else " (already up to date)"))
    return 0


def _lab(args):
    if importlib.util.find_spec("jupyterlab") is None:
        print("backprop-lab: error: JupyterLab is not installed here: pip install 'backprop-lab[lab]'",
              file=sys.stderr)
        return 2
    _workspace(args)
    root = Path(args.dir).expanduser().resolve()
    first = sorted(root.glob("[0-9][0-9]_*.ipynb"))
    extra = [a for a in args.jupyter_args if a != "--"]
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
               *([first[0].name] if first else []), *extra]
    os.chdir(root)
    os.execv(sys.executable, command)


def _progress(args):
    root = Path(args.dir).expanduser().resolve()
    found = coach.find_workspace(root) if root.is_dir() else None
    if found is None and args.dir == workspace.DEFAULT_NAME:
        found = coach.find_workspace()          # run from inside a workspace
    if found is None:
        print(f"backprop-lab: error: DIR {root} is not a Backprop Lab workspace "
              f"(make one with: backprop-lab workspace {args.dir})", file=sys.stderr)
        return 2
    print(coach.report(coach.latest_outcomes(coach.read_records(found)), f"in {found}"))
    return 0


def _audit(args):
    from backprop_lab import audit
    submitted = Path(args.submitted).expanduser()
    if not submitted.is_dir():
        print(f"backprop-lab: error: SUBMITTED_DIR {submitted} is not a folder", file=sys.stderr)
        return 2
    source = Path(args.source).expanduser() if args.source else None
    if source is not None and not source.is_dir():
        print(f"backprop-lab: error: --source {source} is not a folder", file=sys.stderr)
        return 2
    lines = audit.audit(submitted, source)
    for line in lines:
        print(line)
    print(f"{len(lines)} suspicious place(s) found" if lines else "nothing suspicious found")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())

"""nbgrader configuration for teaching with Backprop Lab.

Copy this file into the root of your nbgrader course directory (the folder that holds
source/, release/, submitted/, autograded/, feedback/ and gradebook.db) and run the stock
nbgrader commands from there; INSTRUCTORS.md walks through them. Each lesson of lessons/
is a notebook of an assignment: source/<assignment>/NN_topic.ipynb.
"""
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, Execute,
                                    GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor

from backprop_lab.grading import RefuseTampering

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

# The course's name in the gradebook and the exchange. Change it to your course's.
c.CourseDirectory.course_id = "backprop-lab"

# Where `nbgrader release_assignment` / `collect` exchange files on a shared machine
# (JupyterHub). nbgrader's default; it must exist and be world-writable:
#   mkdir -p /srv/nbgrader/exchange && chmod ugo+rw /srv/nbgrader/exchange
c.Exchange.root = "/srv/nbgrader/exchange"

# The learner version: each answer region becomes this stub. The lessons' checks
# recognise NotImplementedError and say "not implemented yet".
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Seconds one cell may run while nbgrader executes a notebook (validate, autograde).
# No lesson cell needs more than a few seconds; a cell stuck this long is interrupted
# and recorded as an error, so a hanging submission cannot stall grading.
c.Execute.timeout = 60

# Autograde as nbgrader does it, plus one step right after the notebook has run:
# RefuseTampering scans the cells a student could edit, and from the first one that
# changes how answers are checked (replaces a function of backprop.checks or numpy,
# edits os.environ, redefines a reference...), every later graded cell scores 0 with
# the reason in its output. Honest notebooks are untouched. (nbgrader's defaults, in order,
# with the one step added.)
c.Autograde.autograde_preprocessors = [Execute, RefuseTampering, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]

# A graded cell the student deleted comes back (with a note) instead of silently scoring nothing.
c.OverwriteCells.add_missing_cells = True

# Feedback shows each graded cell's result and message, but not the hidden tests' code.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

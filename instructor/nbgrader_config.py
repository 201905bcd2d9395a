"""nbgrader configuration for teaching with Backprop Lab.

Copy this file into the root of your nbgrader course directory (the folder that holds
source/, release/, submitted/, autograded/, feedback/ and gradebook.db) and run the stock
nbgrader commands from there; INSTRUCTORS.md walks through them. Each lesson of lessons/
is a notebook of an assignment: source/<assignment>/NN_topic.ipynb.
"""
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

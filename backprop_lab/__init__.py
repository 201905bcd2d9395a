"""Backprop Lab's course tools: the learner edition, hints and progress, and honest grading.

- ``exercises``: every exercise of the lessons (points, hints, model solution), read from
  the lessons themselves, the single source;
- ``edition``: the learner's copy of a lesson (answers replaced by the stub, hidden tests
  removed, outputs cleared), as nbgrader's generate_assignment makes it;
- ``workspace``: a learner's folder of lessons that a second run updates without ever
  overwriting the learner's work;
- ``coach``: what ``backprop.checks`` records and the help it offers (hints, solutions, progress);
- ``tampering``: the scan for answer cells that touch the checking machinery;
- ``grading``: the nbgrader preprocessor that refuses points after such a cell;
- ``audit``: the instructor's list of suspicious submissions;
- ``cli``: the ``backprop-lab`` command.
"""

"""INSTRUCTORS.md and instructor/WRITING_EXERCISES.md, run: every command of their code blocks.

The instructor's guide
----------------------
Every ```bash block of INSTRUCTORS.md runs, in order, as an instructor and four students
would run it, in a scratch home (in memory where /dev/shm exists):

- the instructor's blocks run in ONE bash session (as one terminal: variables, the
  activated venv and the working folder carry over) with ``set -e``: any failing command
  fails the test, with the output so far;
- a block whose first line is ``# in a student's account`` runs in each student's account:
  their own HOME, the students' environment on PATH, a fresh shell, the students at once.
  The machine has one account, and nbgrader names a submission after the account
  (``pwd.getpwuid``), so each student's processes get a ``sitecustomize`` that reports
  their id as the account name (``TEST_ACCOUNT``); nothing else about nbgrader changes;
- the settings block (step 1) gets the test's values for the four settings the guide
  says the test changes: REPO (a clone of this working tree, uncommitted files included),
  EXCHANGE (a scratch folder), LESSONS ("0[12]") and CELL_TIMEOUT (10 s: no lesson cell
  needs more, even on a busy machine, and the looping student costs 10 s + 4 s, not 64 s);
- between blocks the test does what people do away from the keyboard: students work in
  their fetched notebooks, the LMS download lands in ~/Downloads, the instructor mends the
  notebook that nbgrader could not grade.

The students (ids from the guide's own class list): on lesson 01, through the exchange, ada
solves everything, ben hands in the notebook as fetched, chen writes the guide's endless
loop into the first answer, edits that exercise's locked test cell to pass, deletes the
first graded cell of the second exercise and solves the rest; eve never turns up (she only
tries the learner edition of step 6). On lesson 02, from an "LMS" archive, ada solves
everything and ben hands it in untouched, late and resubmitted (Canvas-style names).
Then the test checks what the guide promises: the scores, what the log says (checksum
warnings on honest notebooks, the failed notebook), the list of ungraded submissions, the
audit, the feedback (one sentence, no hidden tests, fetched by the students), the grades
file and how it tells "not submitted", "not graded" and 0 apart, and solutions switched
off. The guide's ```python config snippets are checked against nbgrader's own settings.

The worked example
------------------
instructor/example_exercise.ipynb goes through real ``nbgrader generate_assignment`` and
``autograde`` (a right answer written differently: full marks; the blank release: 0; the
typical wrong answer, dout changed in place: 0 with the check's sentence; a deleted graded
cell: restored, full marks; and, to back the page's advice on cell order, the same deleted
cell in a copy whose setup cell sits between answer and tests: nbgrader gives up), and
``scripts/lesson_check.py`` as the page runs it. The page's ```pycon examples run as
doctests: every message it quotes is what the checks say.

The example's nbgrader runs go in a background thread while the guide's `pip install`
runs, so the two share the machine's two cores.
"""
import csv
import doctest
import json
import os
import pathlib
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zipfile

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDE = ROOT / "INSTRUCTORS.md"
WRITING = ROOT / "instructor" / "WRITING_EXERCISES.md"
EXAMPLE = ROOT / "instructor" / "example_exercise.ipynb"

STUDENT_MARK = "# in a student's account"
TEST_SETTINGS = {"LESSONS": '"0[12]"', "CELL_TIMEOUT": "10"}    # REPO and EXCHANGE: scratch paths
WEEK1, WEEK2 = "01_welcome", "02_the_neuron"
BLOCK_TIMEOUT = 600

SHIM = '''"""Test only: this process belongs to the student TEST_ACCOUNT (nbgrader reads the account name)."""
import os
import pwd

_account = os.environ.get("TEST_ACCOUNT")
if _account:
    _real_getpwuid, _uid = pwd.getpwuid, os.getuid()

    def _getpwuid(uid):
        entry = _real_getpwuid(uid)
        return pwd.struct_passwd((_account,) + tuple(entry)[1:]) if uid == _uid else entry

    pwd.getpwuid = _getpwuid
'''


# --------------------------------------------------------------------------
# Reading the pages
# --------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[a-z]*)\n(?P<body>.*?)^(?P=indent)```\s*$", re.M | re.S)


def code_blocks(path, lang):
    """The page's fenced blocks in language ``lang``, in order, dedented."""
    text = path.read_text(encoding="utf-8")
    return [textwrap.dedent(m["body"]) for m in FENCE.finditer(text) if m["lang"] == lang]


def with_test_settings(block, repo, exchange):
    """The settings block with the test's values; every other line as the guide has it."""
    values = dict(TEST_SETTINGS, REPO=str(repo), EXCHANGE=str(exchange))
    seen, lines = set(), []
    for line in block.splitlines():
        m = re.match(r"([A-Z_]+)=(\S+)(.*)", line)
        assert m, f"the settings block holds only NAME=value lines: {line!r}"
        name = m[1]
        seen.add(name)
        lines.append(f"{name}={values[name]}{m[3]}" if name in values else line)
    assert set(values) <= seen, f"the guide's settings lack {set(values) - seen}"
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Shells: the instructor's terminal and the students'
# --------------------------------------------------------------------------

class Terminal:
    """One bash session fed block after block, as an instructor types them into one terminal."""

    MARK = "__BLOCK_DONE__"

    def __init__(self, env, cwd, scratch):
        self.scratch = scratch
        self.count = 0
        self.proc = subprocess.Popen(["bash", "--noprofile", "--norc"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=env, cwd=cwd, start_new_session=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._send('set -eE\ntrap \'echo "__FAILED__ exit $? at: $BASH_COMMAND"\' ERR\nexec 2>&1\n')

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _send(self, text):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def run(self, code, timeout=BLOCK_TIMEOUT):
        """Run one block; its output. Fails the test if a command fails or the block hangs."""
        self.count += 1
        script = self.scratch / f"instructor-block-{self.count:02d}.sh"
        script.write_text(code)
        self._send(f"source {script} < /dev/null\necho {self.MARK}\n")
        out, deadline = [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.close()
                pytest.fail(f"block {self.count} did not finish in {timeout} s:\n{code}\n{''.join(out)[-4000:]}")
            if line is None:
                pytest.fail(f"block {self.count} failed:\n{code}\n--- output ---\n{''.join(out)[-6000:]}")
            if line.strip() == self.MARK:
                return "".join(out)
            out.append(line)

    def value(self, name):
        """A shell variable's value, as the session has it now."""
        return self.run(f'printf "%s\\n" "${name}"').strip()

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def base_env():
    """The environment without anything of this test run's own Python, Jupyter or grading."""
    drop = ("MPLBACKEND", "NBGRADER_EXECUTION", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME",
            "BACKPROP_LAB_SOLUTIONS", "TEST_ACCOUNT")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("JUPYTER")}
    venv_bin = str(pathlib.Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["PYTHONHASHSEED"] = "0"
    return env


def run_students(code, students, homes, student_env, scratch, timeout=BLOCK_TIMEOUT):
    """Run a student block in each student's account, all at once; {student: output}."""
    script = scratch / f"student-block-{abs(hash(code)) % 10**8}.sh"
    script.write_text(code)
    procs = {}
    for student in students:
        env = base_env()
        env.update(HOME=str(homes[student]), USER=student, LOGNAME=student, TEST_ACCOUNT=student,
                   PYTHONPATH=str(scratch / "shim"), PATH=f"{student_env}/bin{os.pathsep}{env['PATH']}")
        procs[student] = subprocess.Popen(["bash", "-e", str(script)], cwd=homes[student], env=env,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True)
    outputs = {}
    try:
        for student, proc in procs.items():
            out, _ = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, f"{student} ran:\n{code}\nand it failed:\n{out[-4000:]}"
            outputs[student] = out
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return outputs


# --------------------------------------------------------------------------
# What people do between commands
# --------------------------------------------------------------------------

def meta(cell):
    return cell.metadata.get("nbgrader", {})


def answers_of(source):
    """{answer id: the source's answer without nbgrader's markers}."""
    return {meta(c)["grade_id"]: "\n".join(l for l in c.source.splitlines()
                                          if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            for c in source.cells if meta(c).get("solution")}


def exercise_ids(nb):
    return [meta(c)["grade_id"] for c in nb.cells if meta(c).get("solution")]


def graded_of(nb, exercise):
    """{grade id: points} of one exercise's graded cells (foo_tests, foo_tests_*)."""
    return {meta(c)["grade_id"]: float(meta(c)["points"]) for c in nb.cells if meta(c).get("grade")
            and (meta(c)["grade_id"] == f"{exercise}_tests" or meta(c)["grade_id"].startswith(f"{exercise}_tests_"))}


def total_points(nb):
    return sum(float(meta(c)["points"]) for c in nb.cells if meta(c).get("grade"))


def hidden_test_cells(nb):
    return {meta(c)["grade_id"] for c in nb.cells if meta(c).get("grade") and "BEGIN HIDDEN TESTS" in c.source}


def do_the_work(student, path, source, loop_code):
    """What each student does to their fetched copy of lesson 01."""
    nb = nbformat.read(path, as_version=4)
    answers = answers_of(source)
    first, second = exercise_ids(source)[:2]
    if student == "ben":
        return                                       # hands it in as fetched
    for cell in list(nb.cells):
        gid = meta(cell).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        if student == "chen":
            if gid == first:
                cell.source = loop_code
            elif gid == f"{first}_tests":
                cell.source = 'print("all tests passed")   # edited by the student'
            elif gid == f"{second}_tests":
                nb.cells.remove(cell)
    nbformat.write(nb, path)


def lms_archive(home, course):
    """What an LMS hands the instructor for lesson 02: one zip, Canvas-style file names."""
    release = course / "release" / WEEK2 / f"{WEEK2}.ipynb"
    solved = nbformat.read(release, as_version=4)
    answers = answers_of(nbformat.read(course / "source" / WEEK2 / f"{WEEK2}.ipynb", as_version=4))
    for cell in solved.cells:
        if meta(cell).get("grade_id") in answers:
            cell.source = answers[meta(cell)["grade_id"]]
    downloads = home / "Downloads"
    downloads.mkdir()
    with zipfile.ZipFile(downloads / "submissions.zip", "w") as zf:
        zf.writestr(f"ada_123456_7890123_{WEEK2}.ipynb", nbformat.writes(solved))
        zf.writestr(f"ben_LATE_123457_7890124_{WEEK2}-1.ipynb", release.read_text())


def mend(course, student, assignment):
    """The instructor opens the notebook nbgrader gave up on and replaces the loop (step 10)."""
    path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "while True" in c.source and meta(c).get("solution"))
    cell.source = 'raise RuntimeError("endless loop removed by the instructor")'
    nbformat.write(nb, path)


# --------------------------------------------------------------------------
# The scratch world and the guide's run
# --------------------------------------------------------------------------

def scratch_dir(prefix):
    shm = pathlib.Path("/dev/shm")
    return pathlib.Path(tempfile.mkdtemp(prefix=prefix, dir=shm if shm.is_dir() else None))


def snapshot_repository(dest):
    """A git repository holding this working tree as it is now (what `git clone "$REPO"` gets)."""
    files = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(git + args, cwd=dest, check=True, capture_output=True)
    return dest


class GuideRun:
    """Everything the guide's run left: block outputs, folders, students."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.outputs = []            # (block, output) for the instructor; (block, {student: output}) otherwise
        self.timings = []            # (seconds, first line) per block
        self.homes = {}

    def output_of(self, fragment):
        """The output of the first block containing ``fragment``."""
        return next(out for block, out in self.outputs if fragment in block)


@pytest.fixture(scope="module")
def example():
    """The worked example's nbgrader runs and lesson_check, in a thread; join it with .result()."""
    job = ExampleJob()
    job.start()
    yield job
    job.cleanup()


@pytest.fixture(scope="module")
def guide(example):
    scratch = scratch_dir("backprop-guide-")
    try:
        yield run_guide(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_guide(scratch):
    started = time.perf_counter()
    run = GuideRun(scratch)
    repo = snapshot_repository(scratch / "repo")
    exchange = scratch / "srv" / "exchange"
    (scratch / "shim").mkdir()
    (scratch / "shim" / "sitecustomize.py").write_text(SHIM)
    teacher = scratch / "home" / "teacher"
    teacher.mkdir(parents=True)
    env = base_env()
    env.update(HOME=str(teacher), USER="teacher", LOGNAME="teacher")
    blocks = code_blocks(GUIDE, "bash")
    loop_code = next(b for b in code_blocks(GUIDE, "python") if "while True" in b)
    terminal = Terminal(env, teacher, scratch)
    students, student_env, course = [], None, None
    try:
        for k, block in enumerate(blocks):
            if k == 0:
                run.outputs.append((block, terminal.run(with_test_settings(block, repo, exchange))))
                continue
            if block.startswith(STUDENT_MARK):
                if "fetch_assignment" in block:
                    who = [s for s in students if s != "eve"]      # eve never turns up
                elif "submit" in block:
                    who = [s for s in students if s != "eve"]
                elif "fetch_feedback" in block:
                    who = ["ada", "chen"]
                else:
                    who = ["eve"]
                if student_env is None:        # before step 7 the students' environment is the course's
                    student_env = terminal.value("VIRTUAL_ENV")
                t0 = time.perf_counter()
                outputs = run_students(block, who, run.homes, student_env, scratch)
                run.timings.append((time.perf_counter() - t0, block.strip().splitlines()[1]))
                run.outputs.append((block, outputs))
                if "fetch_assignment" in block:
                    source = nbformat.read(course / "source" / WEEK1 / f"{WEEK1}.ipynb", as_version=4)
                    for student in who:
                        do_the_work(student, run.homes[student] / WEEK1 / f"{WEEK1}.ipynb", source, loop_code)
                continue
            if "zip_collect" in block and "cp ~/Downloads" in block:
                lms_archive(teacher, course)
            if block.lstrip().startswith("STUDENT="):
                mend(course, "chen", WEEK1)
            t0 = time.perf_counter()
            run.outputs.append((block, terminal.run(block)))
            run.timings.append((time.perf_counter() - t0, block.strip().splitlines()[0]))
            if "nbgrader db student import" in block:
                course = pathlib.Path(terminal.value("COURSE"))
                with open(course / "students.csv", newline="") as fh:
                    students = [row["id"] for row in csv.DictReader(fh)]
                assert students == ["ada", "ben", "chen", "eve"], f"the test's story needs the guide's class list: {students}"
                for student in students:
                    run.homes[student] = scratch / "home" / student
                    run.homes[student].mkdir(parents=True)
            if block.lstrip().startswith("STUDENT_ENV="):
                student_env = terminal.value("STUDENT_ENV")
    finally:
        terminal.close()
    run.course, run.teacher, run.students, run.exchange = course, teacher, students, exchange
    run.seconds = time.perf_counter() - started
    print(f"\nINSTRUCTORS.md: {len(blocks)} blocks in {run.seconds:.0f} s; the slowest:")
    for seconds, first_line in sorted(run.timings, reverse=True)[:6]:
        print(f"  {seconds:5.1f} s  {first_line}")
    return run


# --------------------------------------------------------------------------
# The guide: tests
# --------------------------------------------------------------------------

def gradebook(run):
    """{(assignment, student): {grade id: score}} from the run's gradebook, with nbgrader's API."""
    code = textwrap.dedent("""
        import json, sys
        from nbgrader.api import Gradebook
        found = {}
        with Gradebook("sqlite:///gradebook.db", "backprop-lab") as gb:
            for a in gb.assignments:
                for s in a.submissions:
                    found[f"{a.name} {s.student_id}"] = {g.name: g.score for nb in s.notebooks for g in nb.grades}
        json.dump(found, sys.stdout)
    """)
    python = run.teacher / "backprop-grading" / "bin" / "python"
    out = subprocess.run([str(python), "-c", code], cwd=run.course, capture_output=True, text=True, check=True)
    return {tuple(k.split(" ")): v for k, v in json.loads(out.stdout).items()}


def source_nb(run, assignment):
    return nbformat.read(run.course / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def expected_points(run, assignment, student):
    """What each student earned, by the story told in the module docstring (None: not submitted)."""
    nb = source_nb(run, assignment)
    total = total_points(nb)
    first = exercise_ids(nb)[0]
    lost_first = sum(graded_of(nb, first).values())
    if assignment == WEEK1:
        return {"ada": total, "ben": 0.0, "chen": total - lost_first}.get(student)
    return {"ada": total, "ben": 0.0}.get(student)


def test_the_whole_guide_runs_and_every_submission_scores_what_it_should(guide):
    scores = gradebook(guide)
    for assignment in (WEEK1, WEEK2):
        for student in guide.students:
            want = expected_points(guide, assignment, student)
            got = scores.get((assignment, student))
            if want is None:
                assert got is None, f"{student} submitted nothing for {assignment}, yet: {got}"
            else:
                assert got is not None and sum(got.values()) == want, f"{assignment} {student}: {got}, want {want}"


def test_visible_and_hidden_checks_score_separately(guide):
    nb = source_nb(guide, WEEK1)
    scores = gradebook(guide)
    for exercise in exercise_ids(nb):
        cells = graded_of(nb, exercise)
        assert f"{exercise}_tests" in cells, f"{exercise} has a visible graded cell"
        assert {g: scores[(WEEK1, "ada")][g] for g in cells} == cells


def test_students_see_the_release_and_their_settings(guide):
    fetched = guide.output_of("fetch_assignment")
    for student, out in fetched.items():
        assert "Fetched as: backprop-lab 01_welcome" in out, out
        assert (guide.homes[student] / WEEK1 / f"{WEEK1}.ipynb").is_file()
    assert "assignment_list" in guide.output_of("server extension list") and \
        "enabled" in guide.output_of("server extension list")
    inbound = sorted(p.name.split("+")[0] for p in (guide.exchange / "backprop-lab" / "inbound").iterdir())
    assert inbound == ["ada", "ben", "chen"], inbound


def test_solutions_are_off_in_both_ways(guide):
    out = guide.output_of("--no-solutions")["eve"]
    assert "Solutions are switched off in this workspace" in out, out
    assert "Solutions are switched off for this course (BACKPROP_LAB_SOLUTIONS=off)" in out, out
    assert (guide.homes["eve"] / "backprop-lab-course" / f"{WEEK1}.ipynb").is_file()


def test_zip_collect_sorts_the_lms_files_with_the_guides_expression(guide):
    for student in ("ada", "ben"):
        assert (guide.course / "submitted" / student / WEEK2 / f"{WEEK2}.ipynb").is_file()
    assert not (guide.course / "submitted" / "ben" / WEEK2 / "timestamp.txt").exists()


def log_by_student(log):
    """{student: the part of an autograde log about their submission}."""
    parts = re.split(r"Sanitizing \S*/submitted/([^/]+)/", log)
    found = {}
    for k in range(1, len(parts), 2):
        found[parts[k]] = found.get(parts[k], "") + parts[k + 1]
    return found


def test_the_log_says_what_the_guide_says(guide):
    log = (guide.course / f"autograde-{WEEK1}.log").read_text()
    nb = source_nb(guide, WEEK1)
    hidden = hidden_test_cells(nb)
    first, second = exercise_ids(nb)[:2]
    parts = log_by_student(log)

    def warned(student):
        return set(re.findall(r"Attribute 'checksum' for cell (\S+) has changed", parts[student]))

    assert hidden and warned("ada") == hidden, "honest: a checksum warning for each cell with hidden tests"
    assert warned("ben") == hidden
    # chen's edited cell adds a warning; his deleted cell, put back after this comparison, has none
    assert warned("chen") == (hidden - {f"{second}_tests"}) | {f"{first}_tests"}
    assert f"Missing grade cell {second}_tests encountered, adding to notebook" in parts["chen"]
    assert "Removing failed assignment" in log and re.search(r"is [0-9.]+ seconds late", log)
    out = guide.output_of('grep "Removing failed assignment"')
    assert "not graded: chen 01_welcome" in out and out.count("not graded:") == 1, out


def test_audit_lists_chen_and_nobody_else(guide):
    out = guide.output_of("backprop-lab audit")
    listed = [line for line in out.splitlines() if ": cell " in line]
    nb = source_nb(guide, WEEK1)
    first, second = exercise_ids(nb)[:2]
    assert {line.split("/")[0] for line in listed} == {"chen"}, out
    assert f"cell {first}_tests: a locked cell was changed" in out
    assert f"cell {second}_tests: a locked cell was deleted" in out
    assert "look at the cells listed above" in out, "the audit exits 1 when it lists something"


def feedback_text(path):
    """The words of a feedback page, without its styles, scripts and tags."""
    import html
    page = re.sub(r"<(style|script)\b.*?</\1>", "", path.read_text(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_feedback_shows_one_sentence_no_hidden_tests_and_reaches_the_students(guide):
    nb = source_nb(guide, WEEK1)
    total = total_points(nb)
    ben = feedback_text(guide.course / "feedback" / "ben" / WEEK1 / f"{WEEK1}.html")
    assert "not implemented yet" in ben and "BEGIN HIDDEN TESTS" not in ben and "Traceback" not in ben
    release = nbformat.read(guide.course / "release" / WEEK1 / f"{WEEK1}.ipynb", as_version=4)
    handed_out = "\n".join(c.source for c in release.cells)
    for cell in nb.cells:                      # no line of a hidden test that students never saw
        if "BEGIN HIDDEN TESTS" in cell.source:
            secret = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            for line in secret.splitlines():
                if len(line.strip()) > 20 and line.strip() not in handed_out:
                    assert line.strip() not in ben, line
    for student, want in (("ada", total), ("chen", expected_points(guide, WEEK1, "chen"))):
        fetched = list((guide.homes[student] / WEEK1 / "feedback").glob(f"*/{WEEK1}.html"))
        assert len(fetched) == 1, f"{student} fetched {fetched}"
        assert f"Score: {want} / {total}" in feedback_text(fetched[0])


def test_grades_file_columns_and_the_three_zeros(guide):
    with open(guide.course / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                             "email", "raw_score", "late_submission_penalty", "score", "max_score"]
    by = {(r["assignment"], r["student_id"]): r for r in rows}
    assert len(rows) == 2 * len(guide.students)
    for (assignment, student), row in by.items():
        want = expected_points(guide, assignment, student)
        assert float(row["score"]) == (want or 0.0) and float(row["late_submission_penalty"]) == 0.0
        assert float(row["max_score"]) == total_points(source_nb(guide, assignment))
        submitted_by_exchange = assignment == WEEK1 and want is not None
        assert bool(row["timestamp"]) == submitted_by_exchange, row
    assert by[(WEEK1, "ada")]["duedate"] == "2026-10-09 16:00:00"      # 17:00 in London (BST) is 16:00 UTC
    assert by[(WEEK1, "ada")]["last_name"] == "Lovelace"
    states = guide.output_of("csv.DictReader")
    assert re.search(r"01_welcome\s+eve\s+not submitted", states), states
    assert re.search(r"02_the_neuron\s+ben\s+graded: 0.0 of", states), states
    assert re.search(r"02_the_neuron\s+chen\s+not submitted", states), states


def test_config_snippets_are_real_nbgrader_settings():
    """The guide's ```python settings name traits nbgrader has, with values it accepts."""
    from traitlets.config import Config
    import nbgrader.plugins
    snippets = [b for b in code_blocks(GUIDE, "python") if b.strip().startswith("c.")]
    assert snippets
    for snippet in snippets:
        c = Config()
        exec(snippet, {"c": c})
        for section, settings in c.items():
            if section == "Spawner":                          # jupyterhub_config.py
                assert settings == {"environment": {"BACKPROP_LAB_SOLUTIONS": "off"}}
                continue
            cls = getattr(nbgrader.plugins, section)
            for key in settings:
                assert key in cls.class_traits(config=True), f"{section}.{key}"
            cls(config=c)                                      # raises on a value nbgrader refuses


def test_shipped_config_matches_what_the_guide_says():
    text = (ROOT / "instructor" / "nbgrader_config.py").read_text()
    for setting in ("c.OverwriteCells.add_missing_cells = True", "RefuseTampering", "ClearHiddenTests",
                    "c.Execute.timeout = 60", "c.CourseDirectory.course_id = \"backprop-lab\""):
        assert setting in text, setting


# --------------------------------------------------------------------------
# The worked example (instructor/WRITING_EXERCISES.md)
# --------------------------------------------------------------------------

RIGHT = "def relu_backward(dout, z):\n    return np.where(z > 0, dout, 0.0)\n"
IN_PLACE = "def relu_backward(dout, z):\n    dout[z <= 0] = 0\n    return dout\n"


class ExampleJob(threading.Thread):
    """generate_assignment + autograde of the worked example, and lesson_check on it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.course = scratch_dir("backprop-example-")
        self.error = None

    def nbgrader(self, *args, check=True):
        env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "NBGRADER_EXECUTION")}
        env["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.course, env=env,
                              capture_output=True, text=True, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError(f"nbgrader {args} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
        return proc

    def run(self):
        try:
            self.lesson_check = [subprocess.run(["bash", "-e", "-c", block], cwd=ROOT, capture_output=True,
                                                text=True, timeout=600) for block in code_blocks(WRITING, "bash")]
            shutil.copy(ROOT / "instructor" / "nbgrader_config.py", self.course)
            reordered = nbformat.read(EXAMPLE, as_version=4)       # the setup cell between answer and tests
            setup = next(c for c in reordered.cells if meta(c).get("grade_id") == "relu_backward_setup")
            reordered.cells.remove(setup)
            answer = next(k for k, c in enumerate(reordered.cells) if meta(c).get("grade_id") == "relu_backward")
            reordered.cells.insert(answer + 1, setup)
            for assignment, nb in (("relu", nbformat.read(EXAMPLE, as_version=4)), ("relu_setup_after", reordered)):
                (self.course / "source" / assignment).mkdir(parents=True)
                nbformat.write(nb, self.course / "source" / assignment / "example_exercise.ipynb")
                self.nbgrader("generate_assignment", assignment)
                release = nbformat.read(self.course / "release" / assignment / "example_exercise.ipynb",
                                        as_version=4)
                students = {"right": RIGHT, "blank": None, "in_place": IN_PLACE, "deleted": RIGHT}
                if assignment == "relu_setup_after":
                    students = {"deleted": RIGHT}
                for student, answer_code in students.items():
                    nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
                    for cell in list(nb.cells):
                        if meta(cell).get("grade_id") == "relu_backward" and answer_code:
                            cell.source = answer_code
                        if student == "deleted" and meta(cell).get("grade_id") == "relu_backward_tests":
                            nb.cells.remove(cell)
                    folder = self.course / "submitted" / student / assignment
                    folder.mkdir(parents=True)
                    nbformat.write(nb, folder / "example_exercise.ipynb")
            self.autograde = self.nbgrader("autograde", "relu", "--create")
            self.autograde_after = self.nbgrader("autograde", "relu_setup_after", "--create", check=False)
        except BaseException as err:      # reported by the tests that wait for this
            self.error = err

    def result(self):
        self.join(timeout=900)
        assert not self.is_alive(), "the worked example's nbgrader runs did not finish"
        if self.error is not None:
            raise self.error
        return self

    def scores(self, assignment):
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", "backprop-lab") as gb:
            return {s.student_id: {g.name: g.score for n in s.notebooks for g in n.grades}
                    for s in gb.find_assignment(assignment).submissions}

    def outputs(self, student, grade_id):
        nb = nbformat.read(self.course / "autograded" / student / "relu" / "example_exercise.ipynb", as_version=4)
        cell = next(c for c in nb.cells if meta(c).get("grade_id") == grade_id)
        return cell.outputs

    def cleanup(self):
        self.join(timeout=900)
        shutil.rmtree(self.course, ignore_errors=True)


def test_example_is_what_the_page_shows():
    """The page's cells (```python) and metadata (```json) are the example's own."""
    nb = nbformat.read(EXAMPLE, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    for block in code_blocks(WRITING, "python"):
        assert any(block.strip() in source for source in sources), block
    shown = code_blocks(WRITING, "json")[0]
    for text in re.split(r"\n\s*\n", shown.strip()):
        cell_meta = json.loads(text)
        cell = next(c for c in nb.cells if meta(c).get("grade_id") == cell_meta["nbgrader"]["grade_id"])
        assert cell.metadata["nbgrader"] == cell_meta["nbgrader"]
        assert cell.metadata.get("tags") == cell_meta.get("tags")
        for shown_hint, hint in zip(cell_meta.get("backprop", {}).get("hints", []),
                                    cell.metadata.get("backprop", {}).get("hints", [])):
            assert hint.startswith(shown_hint.rstrip(". ")), (shown_hint, hint)


def test_example_follows_the_course_layout():
    nb = nbformat.read(EXAMPLE, as_version=4)
    order = [meta(c).get("grade_id") for c in nb.cells if meta(c)]
    assert order == ["imports", "relu_backward_setup", "relu_backward", "relu_backward_tests",
                     "relu_backward_tests_hidden"], order
    for cell in nb.cells:
        m = meta(cell)
        if m.get("grade"):
            assert m["locked"] and "raises-exception" in cell.metadata.get("tags", [])
        if m.get("grade_id") == "relu_backward":
            assert 1 <= len(cell.metadata["backprop"]["hints"]) <= 2
        if m.get("grade_id") == "relu_backward_tests_hidden":
            assert "### BEGIN HIDDEN TESTS" in cell.source


def test_example_graded_by_nbgrader(example):
    job = example.result()
    assert job.scores("relu") == {
        "right": {"relu_backward_tests": 1.0, "relu_backward_tests_hidden": 1.0},
        "blank": {"relu_backward_tests": 0.0, "relu_backward_tests_hidden": 0.0},
        "in_place": {"relu_backward_tests": 0.0, "relu_backward_tests_hidden": 0.0},
        "deleted": {"relu_backward_tests": 1.0, "relu_backward_tests_hidden": 1.0},
    }
    shown = job.outputs("in_place", "relu_backward_tests")
    assert [o.output_type for o in shown] == ["error"]
    assert shown[0].traceback == ["✗ relu_backward returned the right values but changed its input dout in place: "
                                  "work on a copy (e.g. `.copy()`), the caller still needs the original"]
    assert "not implemented yet" in job.outputs("blank", "relu_backward_tests")[0].evalue
    assert "Missing grade cell relu_backward_tests encountered" in job.autograde.stderr


def test_example_setup_cell_between_answer_and_tests_breaks_deleted_cell_restore(example):
    """Why the page puts the setup cell before the answer: nbgrader 0.9 restores a deleted graded
    cell after the previous answer or graded cell, and gives up on the notebook otherwise."""
    job = example.result()
    assert job.autograde_after.returncode == 1
    assert "KeyError: 'relu_backward_setup'" in job.autograde_after.stderr
    assert "There was an error processing assignment 'relu_setup_after' for student 'deleted'" in \
        job.autograde_after.stderr
    assert not (job.course / "autograded" / "deleted" / "relu_setup_after").exists()


def test_lesson_check_accepts_the_example(example):
    job = example.result()
    assert len(job.lesson_check) == 1
    proc = job.lesson_check[0]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "exercises ['relu_backward']" in proc.stdout and proc.stdout.rstrip().endswith("OK")


def test_writing_exercises_examples_say_what_the_checks_say(tmp_path, monkeypatch):
    """The page's ```pycon blocks, as doctests: every message it quotes is the checks' own."""
    monkeypatch.chdir(tmp_path)                       # outside any workspace: nothing recorded
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    text = "\n".join(code_blocks(WRITING, "pycon"))
    assert text.count(">>>") > 20
    test = doctest.DocTestParser().get_doctest(text, {}, "WRITING_EXERCISES.md", str(WRITING), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)

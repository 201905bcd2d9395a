"""Grading that rewards only real answers, under stock nbgrader with the shipped config.

Lessons 06, 09 and 15 are one assignment of a scratch course; students hand in what real
students hand in, honest or not, and `nbgrader autograde` (all students, two processes at
once, each with its own copy of the gradebook) must score each as an instructor would:

| student | hands in | expected |
|---|---|---|
| blank | the release as handed out | 0 |
| solved_differently | right answers written otherwise than the source's | full marks |
| checks_noop | blank answers; checks' functions replaced by no-ops (through ``__dict__`` when setattr is refused) | 0 |
| checks_rebound | blank answers; the name ``checks`` bound to a fake | 0 |
| numpy_patched | wrong answers (right shapes); numpy's comparisons patched to say "equal" | 0 |
| reference_called | every answer returns the exercise's reference | 0 |
| engine_called | lesson 09's steps through the engine's optimizers; lesson 15's forward through Sequential | 0 on those exercises |
| env_trick | blank answers after ``os.environ.pop("NBGRADER_EXECUTION")`` | 0 |
| endless_loop | the first exercise loops forever inside ``try/except:``; the rest right | all but that exercise |
| syntax_error | the first exercise does not parse; the rest right | all but that exercise |
| locked_changed | the first exercise blank, its graded and setup cells edited to pass; the rest right | all but that exercise |

Then `backprop-lab audit` lists the cheating students and none of the honest ones, and
`generate_feedback` shows a failed check's sentence without hidden tests or tracebacks.
"""
import ast
import html
import re
import subprocess
import sys

import nbformat
import pytest

from nbgrader_course import (ROOT, answer_cell, finish_all, gradebook_scores, graded_cells, nbgrader_meta,
                             new_course, points_of, read, run, shutil, solution_ids, start, with_answers)

NAMES = ("06_backprop_by_hand", "09_optimizers", "15_capstone")
LESSONS = [ROOT / "lessons" / f"{name}.ipynb" for name in NAMES]
ASSIGNMENT = "honesty"

# Right answers, written otherwise than the source's solutions.
DIFFERENT = {
    "output_gradients": '''def output_gradients(h, out, y):
    err = out - y
    return np.einsum("nh,nk->hk", h, err), np.sum(err, axis=0)''',
    "hidden_gradients": '''def hidden_gradients(x, W2, dout):
    dh = np.einsum("nk,hk->nh", dout, W2)
    return np.einsum("nd,nh->dh", x, dh), dh.sum(0)''',
    "wrong_published_numbers": '''def wrong_published_numbers():
    follows = ("W1_2_new", "b2_new")       # the only two that follow from the printed gradients
    return {name for name in datasets.worked_example_published() if name not in follows}''',
    "momentum_step": '''def momentum_step(w, g, v, lr, beta):
    v_new = -lr * g + beta * v
    w_new = w.copy()
    w_new += v_new
    return w_new, v_new''',
    "rmsprop_step": '''def rmsprop_step(w, g, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * np.square(g)
    return w - lr * g / np.sqrt(s_new + eps), s_new''',
    "adam_step": '''def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g ** 2
    m_hat, v_hat = m_new / (1 - b1 ** t), v_new / (1 - b2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2 ** t)), m_new, v_new''',
    "cosine_decay": '''def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    import math
    if step >= decay_steps:
        return alpha * initial_lr
    weight = (math.cos(math.pi * step / decay_steps) + 1) / 2
    return initial_lr * (alpha + (1 - alpha) * weight)''',
    "init_params": '''def init_params(sizes, seed):
    D, H, C = sizes
    rng = np.random.default_rng(seed)
    def glorot(n_in, n_out):
        limit = (6 / (n_in + n_out)) ** 0.5
        return rng.uniform(low=-limit, high=limit, size=(n_in, n_out))
    W1 = glorot(D, H)
    W2 = glorot(H, C)
    return dict(W1=W1, b1=np.zeros(H), W2=W2, b2=np.zeros(C))''',
    "forward": '''def forward(params, X):
    h = np.tanh(np.dot(X, params["W1"]) + params["b1"])
    z = np.dot(h, params["W2"]) + params["b2"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return p, dict(X=X, h=h, probs=p)''',
    "cross_entropy": '''def cross_entropy(probs, y):
    picked = probs[np.arange(len(y)), y]
    return float(np.mean(-np.log(picked)))''',
    "backward": '''def backward(params, cache, y):
    N = cache["X"].shape[0]
    dZ = (cache["probs"] - np.eye(cache["probs"].shape[1])[y]) / N
    dA = (dZ @ params["W2"].T) * (1 - cache["h"] * cache["h"])
    return dict(W2=cache["h"].T @ dZ, b2=dZ.sum(0), W1=cache["X"].T @ dA, b1=dA.sum(0))''',
    "sigmoid_hidden_gradients": '''def sigmoid_hidden_gradients(x, W1, b1, W2, dout):
    a = 0.5 * (1 + np.tanh(0.5 * (x @ W1 + b1)))
    da = np.einsum("nk,hk->nh", dout, W2)
    dz = da * (a - a ** 2)
    return np.einsum("nd,nh->dh", x, dz), np.sum(dz, axis=0)''',
    "backward_deep": '''def backward_deep(params, cache, y):
    N = cache["X"].shape[0]
    dZ3 = (cache["probs"] - np.eye(cache["probs"].shape[1])[y]) / N
    dZ2 = (dZ3 @ params["W3"].T) * (1 - cache["h2"] ** 2)
    dZ1 = (dZ2 @ params["W2"].T) * (1 - cache["h1"] ** 2)
    return dict(W3=cache["h2"].T @ dZ3, b3=dZ3.sum(0), W2=cache["h1"].T @ dZ2, b2=dZ2.sum(0),
                W1=cache["X"].T @ dZ1, b1=dZ1.sum(0))''',
    "train": '''def train(X, y, hidden=16, learning_rate=1.0, epochs=300, seed=0):
    params = init_params((X.shape[1], hidden, int(y.max()) + 1), seed)
    history = []
    for _ in range(epochs):
        probs, cache = forward(params, X)
        history.append(cross_entropy(probs, y))
        grads = backward(params, cache, y)
        params = {k: params[k] - learning_rate * grads[k] for k in params}
    return params, history''',
}

# The same steps by the engine: what the exercises ask learners to write themselves.
ENGINE = {
    "momentum_step": '''def momentum_step(w, g, v, lr, beta):
    opt = SGD(learning_rate=lr, momentum=beta)
    opt.state[("w", "velocity")] = np.array(v, dtype=float)
    w = np.array(w, dtype=float)
    opt.apply({"w": w}, {"w": np.asarray(g, dtype=float)})
    return w, opt.state[("w", "velocity")]''',
    "rmsprop_step": '''def rmsprop_step(w, g, s, lr, rho, eps):
    opt = RMSprop(learning_rate=lr, rho=rho, epsilon=eps)
    opt.state[("w", "mean_square")] = np.array(s, dtype=float)
    w = np.array(w, dtype=float)
    opt.apply({"w": w}, {"w": np.asarray(g, dtype=float)})
    return w, opt.state[("w", "mean_square")]''',
    "adam_step": '''def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    opt = Adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    opt.iterations = t - 1
    opt.state[("w", "m")], opt.state[("w", "v")] = np.array(m, dtype=float), np.array(v, dtype=float)
    w = np.array(w, dtype=float)
    opt.apply({"w": w}, {"w": np.asarray(g, dtype=float)})
    return w, opt.state[("w", "m")], opt.state[("w", "v")]''',
    "cosine_decay": '''def cosine_decay(step, decay_steps, initial_lr, alpha=0.0):
    return schedules.CosineDecay(initial_lr, decay_steps, alpha=alpha)(step)''',
    "forward": '''def forward(params, X):
    from backprop import Sequential
    from backprop.layers import Dense
    model = Sequential([Dense(params["W1"].shape[1], activation="tanh", input_shape=(X.shape[1],)),
                        Dense(params["W2"].shape[1], activation="softmax")])
    model.set_weights([params["W1"], params["b1"], params["W2"], params["b2"]])
    h = model.layers[0].forward(X)
    probs = model.layers[1].forward(h)
    return probs, {"X": X, "h": h, "probs": probs}''',
}

NOOP_CHECKS = '''for _name in ("check_function", "check_value", "new_model"):
    try:
        setattr(checks, _name, lambda *a, **k: None)
    except AttributeError:                   # read-only: go round it
        checks.__dict__[_name] = lambda *a, **k: None
'''
REBOUND_CHECKS = '''import types
checks = types.SimpleNamespace(check_function=lambda *a, **k: None, check_value=lambda *a, **k: None,
                               new_model=lambda build, *a, **k: build(*a), solution_or=lambda fn, ref, *a, **k: ref)
'''
NUMPY_PATCH = '''np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
np.array_equal = lambda *a, **k: True
'''
# wrong values of the right shapes: the source's answer, then every number moved
PERTURB = '''
def _moved(x):
    if isinstance(x, dict):
        return {k: _moved(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_moved(v) for v in x)
    if isinstance(x, (set, frozenset)):
        return set(list(x)[:1])
    return np.asarray(x) * 1.5 + 1.0

_right_NAME = NAME
def NAME(*args, **kwargs):
    return _moved(_right_NAME(*args, **kwargs))
'''
ENV_TRICK = 'import os\nos.environ.pop("NBGRADER_EXECUTION", None)\n'
LOOP = '''def NAME(*args, **kwargs):
    while True:
        try:
            pass
        except:
            pass
'''

CHEATS = ("checks_noop", "checks_rebound", "numpy_patched", "reference_called", "engine_called", "env_trick",
          "locked_changed")
HONEST = ("blank", "solved_differently", "endless_loop", "syntax_error")
STUDENTS = HONEST + CHEATS


def references(source):
    """{exercise: name of the reference its first visible check compares with} (a plain name only)."""
    found = {}
    for ex in solution_ids(source):
        cell = next(c for c in source.cells if nbgrader_meta(c).get("grade_id") == f"{ex}_tests")
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check_function"
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Name)):
                found.setdefault(ex, node.args[1].id)
    return found


def def_name(code):
    return next(n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef))


def submission(student, source, release):
    """What ``student`` hands in for one lesson (a notebook)."""
    exercises = solution_ids(source)
    first = exercises[0]
    solved = {ex: None for ex in exercises}
    if student == "blank":
        return with_answers(release, source, {})
    if student == "solved_differently":
        return with_answers(release, source, {ex: DIFFERENT[ex] for ex in exercises})
    if student in ("checks_noop", "checks_rebound", "env_trick"):
        nb = with_answers(release, source, {})
        prefix = {"checks_noop": NOOP_CHECKS, "checks_rebound": REBOUND_CHECKS, "env_trick": ENV_TRICK}[student]
        answer_cell(nb, first).source = prefix + answer_cell(nb, first).source
        return nb
    if student == "numpy_patched":
        answers = {}
        for ex in exercises:
            right = "\n".join(l for l in answer_cell(source, ex).source.splitlines() if "SOLUTION" not in l)
            answers[ex] = right + PERTURB.replace("NAME", def_name(right))
        answers[first] = NUMPY_PATCH + answers[first]
        return with_answers(release, source, answers)
    if student == "reference_called":
        answers = {}
        for ex, ref in references(source).items():
            name = def_name(answer_cell(source, ex).source)
            answers[ex] = f"def {name}(*args, **kwargs):\n    return {ref}(*args, **kwargs)\n"
        return with_answers(release, source, answers)
    if student == "engine_called":
        return with_answers(release, source, {**solved, **{ex: ENGINE[ex] for ex in exercises if ex in ENGINE}})
    if student == "endless_loop":
        name = def_name(answer_cell(source, first).source)
        return with_answers(release, source, {**solved, first: LOOP.replace("NAME", name)})
    if student == "syntax_error":
        name = def_name(answer_cell(source, first).source)
        return with_answers(release, source, {**solved, first: f"def {name}(*args:\n    return 1\n"})
    if student == "locked_changed":
        nb = with_answers(release, source, {ex: None for ex in exercises[1:]})
        for cell in nb.cells:
            gid = nbgrader_meta(cell).get("grade_id", "")
            if gid.startswith(f"{first}_tests") or gid == f"{first}_setup":
                cell.source = "pass  # edited by the student"
        return nb
    raise ValueError(student)


def expected_total(student, source):
    """The points an instructor would give ``student`` for one lesson."""
    total = float(sum(graded_cells(source).values()))
    first = solution_ids(source)[0]
    if student == "solved_differently":
        return total
    if student in ("endless_loop", "syntax_error", "locked_changed"):
        return total - points_of(source, first)
    if student == "engine_called":
        return total - sum(points_of(source, ex) for ex in solution_ids(source) if ex in ENGINE)
    return 0.0


@pytest.fixture(scope="module")
def course():
    course = new_course("backprop-honesty-", ASSIGNMENT, LESSONS)
    yield course
    shutil.rmtree(course, ignore_errors=True)


@pytest.fixture(scope="module")
def graded(course):
    """Autograde every student: two nbgrader processes at once, each with half the students
    (its own submitted/autograded folders and copy of the gradebook: SQLite dislikes two
    writers). Returns ({student: {lesson: {grade_id: (score, max)}}}, {half: autograde log})."""
    release = course / "release" / ASSIGNMENT
    halves = {"a": STUDENTS[0::2], "b": STUDENTS[1::2]}
    started = {}
    for half, students in halves.items():
        for student in students:
            folder = course / f"submitted_{half}" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            for lesson in LESSONS:
                nbformat.write(submission(student, read(lesson), read(release / lesson.name)), folder / lesson.name)
        shutil.copy(course / "gradebook.db", course / f"gradebook-{half}.db")
        started[half] = start(course, "autograde", ASSIGNMENT, "--create", "--force",
                              f"--CourseDirectory.db_url={db(course, half)}",
                              f"--CourseDirectory.submitted_directory=submitted_{half}",
                              f"--CourseDirectory.autograded_directory=autograded_{half}")
    logs = finish_all(started)
    scores = {student: gradebook_scores(db(course, half), ASSIGNMENT, student, NAMES)
              for half, students in halves.items() for student in students}
    return scores, logs


def db(course, half):
    return f"sqlite:///{course / f'gradebook-{half}.db'}"


def half_of(student):
    return "a" if STUDENTS.index(student) % 2 == 0 else "b"


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_scores_what_an_instructor_would_give(graded, student):
    scores, logs = graded
    got = {name: sum(score for score, _ in scores[student][name].values()) for name in NAMES}
    want = {lesson.stem: expected_total(student, read(lesson)) for lesson in LESSONS}
    assert got == want, f"{student}: {scores[student]}"


def test_autograde_finishes_every_notebook(graded, course):
    """No notebook is dropped ("Removing failed assignment"), not even the looping one."""
    _, logs = graded
    for half, log in logs.items():
        assert "Removing failed assignment" not in log, log[-3000:]
    for student in STUDENTS:
        for lesson in LESSONS:
            assert (course / f"autograded_{half_of(student)}" / student / ASSIGNMENT / lesson.name).is_file()


def outputs_of(course, student, lesson, grade_id):
    nb = read(course / f"autograded_{half_of(student)}" / student / ASSIGNMENT / lesson.name)
    cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
    return "\n".join(o.get("evalue", "") + o.get("text", "") for o in cell.outputs)


def test_refusals_say_why_in_words(graded, course):
    lesson = LESSONS[1]                                  # 09: its exercises have plain references
    source = read(lesson)
    first = solution_ids(source)[0]
    assert "changes how answers are checked" in outputs_of(course, "checks_noop", lesson, f"{first}_tests")
    assert "asks you to write it yourself" in outputs_of(course, "reference_called", lesson, f"{first}_tests")
    assert "asks you to write it yourself" in outputs_of(course, "engine_called", lesson, f"{first}_tests")
    assert "did not return within" in outputs_of(course, "endless_loop", lesson, f"{first}_tests")


def test_audit_names_the_cheats_and_none_of_the_honest(graded, course):
    proc = subprocess.run([sys.executable, "-m", "backprop_lab.cli", "audit", "submitted_a", "--source", "source"],
                          cwd=course, capture_output=True, text=True, timeout=120)
    proc_b = subprocess.run([sys.executable, "-m", "backprop_lab.cli", "audit", "submitted_b", "--source", "source"],
                            cwd=course, capture_output=True, text=True, timeout=120)
    listing = proc.stdout + proc_b.stdout
    assert proc.returncode == 1 and proc_b.returncode == 1, proc.stderr + proc_b.stderr
    named = {line.split("/")[0] for line in listing.splitlines() if ": cell " in line}
    assert named == set(CHEATS), listing
    assert "a locked cell was changed" in listing and "os.environ.pop" in listing and "np.allclose" in listing


def test_feedback_shows_the_sentence_without_hidden_tests_or_tracebacks(graded, course):
    run(course, "generate_feedback", ASSIGNMENT, "--student", "endless_loop", "--force",
        f"--CourseDirectory.db_url={db(course, half_of('endless_loop'))}",
        f"--CourseDirectory.autograded_directory=autograded_{half_of('endless_loop')}")
    for lesson in LESSONS:
        page = (course / "feedback" / "endless_loop" / ASSIGNMENT / f"{lesson.stem}.html").read_text()
        body = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", page, flags=re.S)     # not the CSS's class names
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        assert "did not return within" in text, lesson.name
        assert "BEGIN HIDDEN TESTS" not in text and "Traceback" not in text and "checks.py" not in text
        blocks = [c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                  for c in read(lesson).cells if nbgrader_meta(c).get("grade") and "### BEGIN HIDDEN TESTS" in c.source]
        shown = {line.strip() for c in read(course / "release" / ASSIGNMENT / lesson.name).cells
                 for line in c.source.splitlines()}          # what the student was given anyway
        hidden = [line.strip() for block in blocks for line in block.splitlines()
                  if len(line.strip()) > 20 and not any(line.strip() in seen for seen in shown)]
        assert hidden and not [line for line in hidden if line in text], lesson.name

"""What every app gives every learner, checked in the kernel (tests/test_browser.py checks
the same in the page at 1366x768): a figure that fits a laptop's notebook column, a name
for every control, and a readout that says in words what the figure shows now, which
changes when a control changes the figure.
"""
import html
import re

import ipywidgets as ipw
import pytest

import widgets
from test_widget_canvas import one_step, sliders

COLUMN_PX = 900         # the widest figure that fits JupyterLab's column at 1366x768 with the file browser open


def descendants(widget):
    """Every widget in the tree under ``widget`` (itself included)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def readouts(app):
    return [w for w in descendants(app.ui) if "backprop-readout" in getattr(w, "_dom_classes", ())]


def text_of(markup):
    """What a screen reader says for an HTML widget's value: the text, tags removed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(params=widgets.__all__)
def app(request):
    app = getattr(widgets, request.param)()
    yield app
    app.close()


def test_the_figure_fits_a_laptop_column(app):
    width, height = app.fig.canvas.get_width_height()
    assert width <= COLUMN_PX, f"{type(app).__name__}'s figure is {width} px wide"


def test_every_control_has_a_name_in_words(app):
    for name, control in app.controls.items():
        if isinstance(control, ipw.Button):
            said = control.description or control.tooltip
        elif isinstance(control, ipw.Play):
            continue                    # its buttons are named in the page (canvas.py's improveControls)
        elif isinstance(control, (ipw.HTML, ipw.Label, ipw.Output)):
            continue                    # text the app shows, not a control
        else:
            said = control.description
        assert said and said.strip(), f"control {name!r} has no name"
        assert not said.endswith("..."), f"control {name!r}'s name is cut: {said!r}"


def test_the_readout_says_what_the_figure_shows_and_follows_the_controls(app):
    found = readouts(app)
    assert len(found) == 1, "one readout (class backprop-readout) per app"
    before = text_of(found[0].value)
    assert len(before.split()) >= 4, f"readout too short to say anything: {before!r}"
    moved = []
    buttons = [name for name, c in app.controls.items() if isinstance(c, ipw.Button) and name != "reset"]
    for name in sliders(app) or buttons:          # an app without sliders (the stepper) steps on buttons
        control = app.controls[name]
        control.click() if isinstance(control, ipw.Button) else one_step(control)
        moved.append(name)
        if text_of(found[0].value) != before:
            break
    else:
        pytest.fail(f"the readout stayed {before!r} while {moved} moved")
    assert app.last_error is None


def test_the_status_line_is_a_status_region(app):
    assert "backprop-status" in app.status._dom_classes
    assert any(w is app.status for w in descendants(app.ui))

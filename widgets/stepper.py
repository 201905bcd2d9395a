"""The backward pass, one node at a time, on a drawn computation graph.

What the learner sees: the graph of a small expression (by default
L = (a*b + c) * f; or the whole 3-2-1 network of a published worked example), read from
the inputs at the top down to the output at the bottom, one band per depth.
Every node is a box with its name, its value ("data") and its gradient
("grad"); an operation (+, *, tanh, ...) shows in a yellow badge on the box of
its result, and arrows run from each input to the result.
"forward" fills in the values; then each "next" runs one step of the backward
pass: the orange node passes its gradient to its inputs (green), each arrow
into it shows its local derivative and the contribution it carries
(local derivative x upstream gradient), and the inputs' grads fill in. A node
used twice shows a partial sum until its last contribution arrives.
With "hide_numbers" on, the new grads show as "?" until the next click, so the
learner predicts them first.

What the learner learns: the chain rule is local. A node needs only its
upstream gradient and its own local derivatives; gradients of a shared input
add up; and the whole backward pass is nothing more than these steps in order.

Every number comes from ``backprop.graph.trace``; the view only adds up the
contributions the trace lists to show partial gradients.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from backprop import datasets, graph
from backprop.scalar import Value
from backprop.validation import check_choice, describe

from .app import App, figure_widget, make_figure

EXPRESSIONS = ("worked_example",)
MAX_NODES = 150         # beyond this a drawn graph is no longer readable

# colours: the node passing its gradient, the inputs receiving it, the rest
CURRENT, CURRENT_FACE = "#d95f02", "#fde4cf"
RECEIVING, RECEIVING_FACE = "#1b7a5a", "#d9f0e3"
LEAF_FACE, OP_FACE, EDGE = "#eef2f8", "#ffffff", "#9a9a9a"
GRAD_COLOR, MUTED = "#b2182b", "#9a9a9a"

DATA_MISSING = "data \u2014"     # before the forward pass
GRAD_MISSING = "grad \u2014"     # before the backward pass reaches the node


def classic_expression():
    """L = (a*b + c) * f with every node labelled: the textbook first example."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def worked_example_expression():
    """The half squared error of the published worked example's 3-2-1 network, built from Values."""
    net = datasets.worked_example_network()
    loss, _ = graph.network_expression(net["x"], net["y"], net["W1"], net["b1"], net["W2"],
                                       net["b2"], activation=net["activation"])
    return loss


def layout(nodes):
    """Where each node of a trace goes: (level, slot), two float arrays.

    level: the node's depth, drawn as bands from the top (inputs) to the bottom
    (output). An operation's depth is the longest path from the inputs to it; a
    leaf (input, weight, constant) sits one level above its first user, so a
    weight used late does not draw an arrow across the whole graph.
    slot: the horizontal place in its band. Slots follow the output back up
    (each node near the mean slot of the nodes that use it, first input on the
    left), then a few sweeps pull every node toward all its neighbours, always
    keeping nodes of a band at least one slot apart.
    """
    n = len(nodes)
    users = [[] for _ in range(n)]
    for node in nodes:
        for j in node["inputs"]:
            users[j].append(node["id"])
    level = np.zeros(n, dtype=int)
    for node in nodes:          # topological order: inputs come first
        if node["inputs"]:
            level[node["id"]] = 1 + max(level[j] for j in node["inputs"])
    for node in nodes:
        if not node["inputs"] and users[node["id"]]:
            level[node["id"]] = min(level[u] for u in users[node["id"]]) - 1
    level -= level.min()
    slot = np.zeros(n)
    bands = [[i for i in range(n) if level[i] == b] for b in range(level.max() + 1)]
    for b in range(len(bands) - 1, -1, -1):        # from the output back up
        members = bands[b]
        target, tie = {}, {}
        for i in members:
            placed = [u for u in users[i] if level[u] > b]
            target[i] = np.mean([slot[u] for u in placed]) if placed else 0.0
            tie[i] = min((nodes[u]["inputs"].index(i) for u in placed), default=0)
        members.sort(key=lambda i: (target[i], tie[i], i))
        slot[members] = _spread([target[i] for i in members])
    neighbours = [list(node["inputs"]) + users[node["id"]] for node in nodes]
    for _ in range(4):
        for b in list(range(1, len(bands))) + list(range(len(bands) - 2, -1, -1)):
            members = bands[b]
            target = {i: np.mean([slot[j] for j in neighbours[i]]) if neighbours[i] else slot[i]
                      for i in members}
            members.sort(key=lambda i: (target[i], slot[i]))
            slot[members] = _spread([target[i] for i in members])
    return level.astype(float), slot - slot.min()


def _spread(targets, gap=1.0):
    """Rows as close as possible (least squares) to sorted ``targets``, ``gap`` apart.

    Subtracting k*gap turns the spacing rule into "non-decreasing", which the
    pool-adjacent-violators pass solves exactly.
    """
    shifted = [t - k * gap for k, t in enumerate(targets)]
    blocks = []                 # [mean, count]
    for v in shifted:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    out = [m for m, c in blocks for _ in range(c)]
    return np.array([v + k * gap for k, v in enumerate(out)])


def _fmt(x):
    """Numbers as the boxes show them: 4 significant digits, no float noise."""
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def _op_symbol(op):
    """The badge text of an operation: '**2' reads better as 'x\u00b2'-style '^2'."""
    if op.startswith("**") and op != "**":
        return "^" + op[2:]
    return {"neg": "\u2212", "sigmoid": "\u03c3", "**": "^", "-": "\u2212"}.get(op, op)


def _d(name):
    """'dx' for a simple name, 'd(const 4)' otherwise (HTML-escaped)."""
    return "d" + html.escape(name if name.isidentifier() else f"({name})")


def _local_formula(op, k, names, out_name):
    """The local derivative of ``op`` with respect to its k-th input, in words/symbols.

    names: display names of the node's inputs. Only text: the value shown next to
    it always comes from the trace.
    """
    a = names[0]
    b = names[1] if len(names) > 1 else ""
    if op == "+":
        return "1"
    if op == "-":
        return "1" if k == 0 else "\u22121"
    if op == "*":
        return b if k == 0 else a
    if op == "/":
        return f"1/{b}" if k == 0 else f"\u2212{a}/{b}\u00b2"
    if op == "**":
        return f"{b}\u00b7{a}^({b}\u22121)" if k == 0 else f"{a}^{b}\u00b7ln {a}"
    if op.startswith("**"):
        p = float(op[2:])
        return f"{p:g}\u00b7{a}" if p == 2 else f"{p:g}\u00b7{a}^{p - 1:g}"
    return {"neg": "\u22121", "exp": f"exp({a}) = {out_name}", "log": f"1/{a}",
            "tanh": f"1 \u2212 {out_name}\u00b2", "sigmoid": f"{out_name}\u00b7(1 \u2212 {out_name})",
            "relu": f"1 if {a} > 0 else 0"}.get(op, "")


class BackpropStepper(App):
    """A computation graph and its backward pass, one step per click.

    Keyword arguments:
      expression: a ``backprop.Value`` (the output of the graph to show), or
        "worked_example" for the 3-2-1 network of a published worked example (its half squared
        error, about 35 nodes). None (default): L = (a*b + c) * f.
        ``trace`` runs ``backward()`` on it, so its ``.grad`` values are filled.
      hide_numbers: start with "hide_numbers" on (new grads shown as "?").

    Controls (``app.controls``):
      "forward": show every node's value, grads hidden;
      "back": undo one backward step (from the forward state: back to the start);
      "next": the next step (the forward pass first, then one backward step; with
        hide_numbers on, one click shows "?" and the next reveals the numbers);
      "reset": back to the start, hide_numbers as given;
      "hide_numbers": Checkbox; "explanation": HTML saying what the step does.

    State for tests and lessons: ``step_index`` (backward steps applied, 0..n),
    ``forward_done``, ``revealed``, ``shown_grads`` ({node id: grad shown so far,
    None where "?" is shown}), ``trace`` (the dict from ``backprop.graph.trace``).
    """

    def __init__(self, expression=None, hide_numbers=False):
        self._init_status()
        if expression is None:
            root, title = classic_expression(), "L = (a\u00b7b + c)\u00b7f"
        elif isinstance(expression, str):
            check_choice(expression, "expression", EXPRESSIONS)
            root, title = worked_example_expression(), "a published worked example: half squared error of its 3-2-1 network"
        elif isinstance(expression, Value):
            root, title = expression, f"graph of {expression.label or 'the expression'}"
        else:
            raise TypeError(f"expression must be a backprop.Value, None or one of {list(EXPRESSIONS)}, "
                            f"got {describe(expression)}")
        if not isinstance(hide_numbers, (bool, np.bool_)):
            raise TypeError(f"hide_numbers must be True or False, got {describe(hide_numbers)}")
        size = len(root.topological_order())
        if size > MAX_NODES:
            raise ValueError(f"expression must have at most {MAX_NODES} nodes to be drawn readably, "
                             f"got {size}")
        self.trace = graph.trace(root)
        self.title = title
        self._hide_initial = bool(hide_numbers)
        nodes = self.trace["nodes"]
        self._names = [self._name(node) for node in nodes]
        # how many contributions each node will receive, to mark partial sums "(1/2)"
        self._expected = [0] * len(nodes)
        for src, _ in self.trace["edges"]:
            self._expected[src] += 1

        self._build_view()
        self._build_controls()
        self._set_state(False, 0, False)

    # ---- model: the app's state -------------------------------------------------------
    @staticmethod
    def _name(node):
        """How the explanation names a node: its label, a constant's value, or its op."""
        if node["label"]:
            return node["label"]
        return f"const {_fmt(node['data'])}" if not node["inputs"] else f"[{node['op']}]"

    @property
    def steps(self):
        return self.trace["steps"]

    @property
    def hide_numbers(self):
        return self.controls["hide_numbers"].value

    def _grads_after(self, k):
        """Grads received after k backward steps: {id: (sum, contributions received)}.

        The output's grad, dL/dL = 1, is the first step's upstream gradient.
        """
        grads = {}
        if k >= 1:
            grads[self.trace["output"]] = (self.steps[0]["upstream"], 0)
        for step in self.steps[:k]:
            for c in step["contributions"]:
                total, count = grads.get(c["input"], (0.0, 0))
                grads[c["input"]] = (total + c["contribution"], count + 1)
        return grads

    def _set_state(self, forward_done, step_index, revealed):
        self.forward_done, self.step_index = forward_done, step_index
        self.revealed = revealed or not self.hide_numbers
        self._render()

    # ---- view ---------------------------------------------------------------------------
    def _build_view(self):
        nodes = self.trace["nodes"]
        self._level, self._slot = layout(nodes)
        nbands, width = int(self._level.max()) + 1, self._slot.max() + 1
        # sizes in inches: a slot is a box plus a small gap; a band is a box plus
        # room below it for the arrows and the labels of the current step
        slot_in, band_in, box_w, box_h = 1.16, 0.9, 1.04, 0.5
        fig_w = max(8.0, width * slot_in + 0.3)
        head_in, foot_in = 0.8, 0.3
        fig_h = nbands * band_in + head_in + foot_in - 0.3
        self.fig = make_figure((fig_w, fig_h))
        ax = self.ax = self.fig.add_axes((0, foot_in / fig_h, 1, 1 - (head_in + foot_in) / fig_h))
        ax.set_axis_off()
        ax_w_slots = fig_w / slot_in
        ax.set_xlim((width - 1) / 2 - ax_w_slots / 2, (width - 1) / 2 + ax_w_slots / 2)
        ax.set_ylim(nbands - 1 + 0.3, -0.3)      # level 0 (the inputs) at the top
        self._bw, self._bh = box_w / slot_in, box_h / band_in
        fs = 7.5
        self.heading = self.fig.text(0.01, 1 - 0.1 / fig_h, "", fontsize=10.5, weight="bold", va="top")
        self.subheading = self.fig.text(0.01, 1 - 0.4 / fig_h, "", fontsize=9, va="top", color="#333")
        self.fig.text(0.01, 0.08 / fig_h,
                      "orange: the node passing its gradient back   green: its inputs, receiving it   "
                      "orange labels: local derivative, and what it adds to the input's grad",
                      fontsize=7.5, color="#555", va="bottom")

        self.boxes, self.header_texts, self.data_texts, self.grad_texts = [], [], [], []
        for node in nodes:
            x, y = self._slot[node["id"]], self._level[node["id"]]
            leaf = not node["inputs"]
            box = FancyBboxPatch((x - self._bw / 2, y - self._bh / 2), self._bw, self._bh,
                                 boxstyle="round,pad=0,rounding_size=0.05", mutation_aspect=slot_in / band_in,
                                 facecolor=LEAF_FACE if leaf else OP_FACE, edgecolor="#444",
                                 linewidth=2.0 if node["id"] == self.trace["output"] else 1.0, zorder=2)
            ax.add_patch(box)
            self.boxes.append(box)
            header = node["label"] or ("const" if leaf else "")
            line = 0.155 / band_in              # one line of text, in band units
            top = y - line if header else y - line / 2     # two lines are centred without a header
            self.header_texts.append(ax.text(x, y - line, header, ha="center", va="center",
                                             fontsize=fs + 0.5, weight="bold", zorder=3))
            self.data_texts.append(ax.text(x, top + (line if header else 0), "", ha="center",
                                           va="center", fontsize=fs, zorder=3))
            self.grad_texts.append(ax.text(x, top + (2 * line if header else line), "", ha="center",
                                           va="center", fontsize=fs, zorder=3))
            if not leaf:        # the operation, on the box's top-left corner, near its arrows
                ax.text(x - self._bw / 2 + 0.1, y - self._bh / 2, _op_symbol(node["op"]), ha="center",
                        va="center", fontsize=fs + 0.5, weight="bold", zorder=4,
                        bbox=dict(boxstyle="round,pad=0.2", facecolor="#fff7bc", edgecolor="#777", lw=0.8))

        # one arrow per edge, from the bottom of the input to the top of the result;
        # a repeated input (a*a) gets one curved arrow per use
        self.arrows, self.edge_texts, self._edge_of = [], [], {}
        for node in nodes:
            for k, src in enumerate(node["inputs"]):
                copies = node["inputs"].count(src)
                rad = 0.5 * (node["inputs"][:k].count(src) - (copies - 1) / 2)
                start = (self._slot[src], self._level[src] + self._bh / 2)
                end = (self._slot[node["id"]], self._level[node["id"]] - self._bh / 2)
                arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, shrinkA=0,
                                        shrinkB=1, connectionstyle=f"arc3,rad={rad}", color=EDGE,
                                        linewidth=1.0, zorder=1)
                ax.add_patch(arrow)
                # the label sits just below the input, where its arrows have not yet met others
                t = 0.2 / max(end[1] - start[1], 1e-9)
                lx = start[0] + t * (end[0] - start[0]) + 1.4 * rad
                label = ax.text(lx, start[1] + 0.21, "", ha="center", va="center", fontsize=fs - 0.5,
                                color=CURRENT, zorder=6, visible=False,
                                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=CURRENT,
                                          lw=0.6, alpha=0.95))
                self._edge_of[(node["id"], k)] = len(self.arrows)
                self.arrows.append(arrow)
                self.edge_texts.append(label)

    def _render(self):
        """Put the state into the artists and the explanation."""
        nodes, n = self.trace["nodes"], len(self.steps)
        k = self.step_index
        step = self.steps[k - 1] if k >= 1 else None
        grads = self._grads_after(k)
        masked = set()
        if step is not None and not self.revealed:
            masked = {c["input"] for c in step["contributions"]}
        self.shown_grads = {i: (None if i in masked else total) for i, (total, _) in grads.items()}

        receiving = {c["input"] for c in step["contributions"]} if step else set()
        for node in nodes:
            i, leaf = node["id"], not node["inputs"]
            shown = self.forward_done or leaf
            self.data_texts[i].set_text(f"data {_fmt(node['data'])}" if shown else DATA_MISSING)
            self.data_texts[i].set_color("#222" if shown else MUTED)
            if i in masked:
                text, color = "grad ?", CURRENT
            elif i in grads:
                total, count = grads[i]
                partial = 0 < count < self._expected[i]
                text = f"grad {_fmt(total)}" + (f" ({count}/{self._expected[i]})" if partial else "")
                color = GRAD_COLOR
            else:
                text, color = GRAD_MISSING, MUTED
            self.grad_texts[i].set_text(text)
            self.grad_texts[i].set_color(color)
            box = self.boxes[i]
            if step is not None and i == step["node"]:
                box.set_edgecolor(CURRENT)
                box.set_facecolor(CURRENT_FACE)
                box.set_linewidth(2.5)
            elif i in receiving:
                box.set_edgecolor(RECEIVING)
                box.set_facecolor(RECEIVING_FACE)
                box.set_linewidth(2.0)
            else:
                box.set_edgecolor("#444")
                box.set_facecolor(LEAF_FACE if leaf else OP_FACE)
                box.set_linewidth(2.0 if i == self.trace["output"] else 1.0)

        current_edges = {}
        if step is not None:
            for j, c in enumerate(step["contributions"]):
                current_edges[self._edge_of[(step["node"], j)]] = c
        for e, (arrow, label) in enumerate(zip(self.arrows, self.edge_texts)):
            c = current_edges.get(e)
            arrow.set_color(EDGE if c is None else CURRENT)
            arrow.set_linewidth(1.0 if c is None else 2.0)
            label.set_visible(c is not None)
            if c is None:
                label.set_text("")
            elif self.revealed:
                label.set_text(f"local {_fmt(c['local'])}\nadds {_fmt(c['contribution'])}")
            else:
                label.set_text("local ?\nadds ?")

        self.heading.set_text(self._heading())
        self.subheading.set_text(self._subheading())
        self.explanation.value = self._explain()
        self.controls["back"].disabled = not self.forward_done
        self.controls["next"].disabled = self.forward_done and k == n and self.revealed
        self.redraw()

    def _heading(self):
        n, k = len(self.steps), self.step_index
        if not self.forward_done:
            return f"{self.title}: before the forward pass"
        if k == 0:
            return f"{self.title}: forward pass done ({n} backward steps to go)"
        return f"{self.title}: backward step {k} of {n}"

    def _subheading(self):
        k = self.step_index
        if not self.forward_done:
            return "Inputs and weights (shaded) hold their values; click forward to compute the others."
        if k == 0:
            return "Every node holds its value; the grads are still unknown. Click next to go backwards."
        step = self.steps[k - 1]
        name = self._names[step["node"]]
        inputs = ", ".join(self._names[c["input"]] for c in step["contributions"])
        return (f"{name} passes its gradient {_fmt(step['upstream'])} to {inputs}"
                + ("" if self.revealed else "   (predict the ?, then click next)"))

    def _explain(self):
        """The explanation panel: the current step in words, numbers from the trace."""
        nodes, n, k = self.trace["nodes"], len(self.steps), self.step_index
        esc = html.escape
        if not self.forward_done:
            return ("<b>Start.</b> The shaded boxes are the inputs and weights: they hold numbers already. "
                    "Each other box applies the operation in its yellow badge to the boxes whose arrows "
                    "arrive there. Click <b>forward</b> (or <b>next</b>) to compute every value.")
        out = self._names[self.trace["output"]]
        if k == 0:
            if n == 0:
                return f"<b>Forward pass done.</b> {esc(out)} has no inputs: nothing to backpropagate."
            return (f"<b>Forward pass done.</b> The output {esc(out)} = "
                    f"{_fmt(nodes[self.trace['output']]['data'])}. The backward pass starts there with "
                    f"d{esc(out)}/{_d(out)} = 1; click <b>next</b> for each of its {n} steps.")
        step = self.steps[k - 1]
        node = nodes[step["node"]]
        name, op, up = esc(self._names[node["id"]]), esc(node["op"]), _fmt(step["upstream"])
        lines = [f"<b>Step {k} of {n}.</b> "]
        if k == 1:
            lines.append(f"The backward pass starts at the output: d{esc(out)}/{_d(out)} = 1. ")
        what = f"{name} (a '{op}' node, " if node["label"] else f"{name} ("
        lines.append(f"Node {what}data {_fmt(node['data'])}) has received all of its gradient, {up}, "
                     f"and passes it to its inputs (local derivative &times; {up}):<ul>")
        input_names = [self._names[j] for j in node["inputs"]]
        grads = {i: total for i, (total, _) in self._grads_after(k - 1).items()}
        for j, c in enumerate(step["contributions"]):
            src, to = c["input"], (f"to <b>{esc(input_names[j])}</b>: "
                                   f"local derivative d({op})/{_d(input_names[j])}")
            had = src in grads
            before = grads.get(src, 0.0)
            grads[src] = before + c["contribution"]
            if not self.revealed:       # no formula either: finding the local derivative is the exercise
                item = f"{to} = ?, contribution ? &times; {up} = <b>?</b>"
                lines.append(f"<li>{item}{'; added to what it already had' if had else ''}</li>")
                continue
            formula = _local_formula(node["op"], j, input_names, self._names[node["id"]])
            if formula and formula not in ("1", "\u22121"):      # "= 1 = 1" says nothing
                to += f" = {esc(formula)}"
            item = (f"{to} = {_fmt(c['local'])}, contribution {_fmt(c['local'])} &times; {up} = "
                    f"<b>{_fmt(c['contribution'])}</b>")
            if had:
                item += f"; added to the {_fmt(before)} it already had: its grad is now {_fmt(grads[src])}"
            lines.append(f"<li>{item}</li>")
        lines.append("</ul>")
        if not self.revealed:
            lines.append("Predict the ? values, then click <b>next</b> to check.")
        elif k == n:
            lines.append(f"<b>Backward pass complete:</b> every grad is now d{esc(out)}/d(node).")
        return "".join(lines)

    # ---- controls -----------------------------------------------------------------------
    def _build_controls(self):
        c = self.controls
        for name, tip in (("forward", "compute every value"), ("back", "undo one step"),
                          ("next", "the next step"), ("reset", "back to the start")):
            c[name] = ipw.Button(description=name, tooltip=tip, layout=ipw.Layout(width="90px"))
        c["hide_numbers"] = ipw.Checkbox(value=self._hide_initial, description="hide numbers",
                                         indent=False, tooltip="show new grads as ? until the next click",
                                         layout=ipw.Layout(width="140px"))
        c["explanation"] = self.explanation = ipw.HTML(layout=ipw.Layout(min_height="5em"))
        c["forward"].on_click(self.guard(self._on_forward))
        c["back"].on_click(self.guard(self._on_back))
        c["next"].on_click(self.guard(self._on_next))
        c["reset"].on_click(self.guard(self._on_reset))
        c["hide_numbers"].observe(self.guard(self._on_hide), "value")
        buttons = ipw.HBox([c["forward"], c["back"], c["next"], c["reset"], c["hide_numbers"]])
        self.ui = ipw.VBox([buttons, c["explanation"], figure_widget(self.fig), self.status])

    def _on_forward(self, _=None):
        self.status.value = ""
        self._set_state(True, 0, True)

    def _on_next(self, _=None):
        self.status.value = ""
        if not self.forward_done:
            self._set_state(True, 0, True)
        elif not self.revealed:
            self._set_state(True, self.step_index, True)
        elif self.step_index < len(self.steps):
            self._set_state(True, self.step_index + 1, False)
        else:
            self.show_message("The backward pass is complete: use back or reset.")

    def _on_back(self, _=None):
        self.status.value = ""
        if self.step_index > 0:
            self._set_state(True, self.step_index - 1, True)   # a step already seen: numbers shown
        elif self.forward_done:
            self._set_state(False, 0, True)
        else:
            self.show_message("Already at the start.")

    def _on_reset(self, _=None):
        self.status.value = ""
        self.controls["hide_numbers"].value = self._hide_initial
        self._set_state(False, 0, False)

    def _on_hide(self, change):
        # switching it on hides the current step's new grads; off reveals them
        self._set_state(self.forward_done, self.step_index, not change["new"])

"""The backward pass, one node at a time, on a drawn computation graph.

What the learner sees: the graph of a small expression (by default
L = (a*b + c) * f; or the whole 3-2-1 network of a published worked example), read from
the inputs at the top down to the output at the bottom, one band per depth.
Every node is a box with its name, its value ("data") and its gradient
("grad"); an operation (+, *, tanh, ...) shows in a yellow badge on the box of
its result, and arrows run from each input to the result.
"forward" fills in the values; then each "next" runs one step of the backward
pass: the node with the solid vermillion frame passes its gradient to its inputs
(dashed blue frames), each arrow
into it shows its local derivative and the contribution it carries
(local derivative x upstream gradient), and the inputs' grads fill in. A node
used twice shows a partial sum until its last contribution arrives.
With "hide_numbers" on, the new grads show as "?" until the next click, so the
learner predicts them first.

What the learner learns: the chain rule is local. A node needs only its
upstream gradient and its own local derivatives; gradients of a shared input
add up; and the whole backward pass is nothing more than these steps in order.

Every number comes from ``backprop.graph.trace``; the view only adds up the
contributions the trace lists to show partial gradients. The graph in its resting
style, with the values once the forward pass has run, is drawn in full only when the
forward pass is done or undone; a backward step redraws only what changes (blitting): the
grads, the highlighted boxes and arrows of the current step, and their labels. The step in words
is HTML: a heading, a one-line readout (for screen readers) and the explanation.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from backprop import datasets, graph
from backprop.scalar import Value
from backprop.validation import check_choice, describe

from .app import App, figure_widget, make_figure, readout_line

EXPRESSIONS = ("worked_example",)
MAX_NODES = 150         # beyond this a drawn graph is no longer readable

MAX_WIDTH = 9.0         # inches at dpi 100: 900 px, a laptop's notebook column
# colours (Okabe-Ito vermillion and blue; the frames also differ: solid and dashed): the node
# passing its gradient, the inputs receiving it, the rest
CURRENT, CURRENT_FACE = "#D55E00", "#fbe1cc"
RECEIVING, RECEIVING_FACE = "#0072B2", "#d5e7f5"
LEAF_FACE, OP_FACE, EDGE = "#eef2f8", "#ffffff", "#9a9a9a"
GRAD_COLOR, MUTED = "#b2182b", "#9a9a9a"

ALT = ("A computation graph read from the top (inputs, weights and constants, in shaded boxes) down to "
       "the output at the bottom. Each box shows a node's name, its value (data) and its gradient "
       "(grad); a yellow badge on a box names its operation, and grey arrows run from each input to "
       "the result. In a backward step the node passing its gradient has a solid vermillion frame, "
       "its inputs a dashed blue frame, and the arrows between them are thick, labelled with the "
       "local derivative and what it adds. The step is written out above and under the figure.")

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
        # sizes in inches: a slot is a box plus a small gap; a band is a box plus room
        # below it for the arrows and the labels of the current step. Slots narrow (down to
        # the worked example's 9 in a row) so the figure stays within MAX_WIDTH.
        slot_in = min(1.16, (MAX_WIDTH - 0.2) / width)
        band_in, box_w, box_h = 0.8, slot_in - min(0.12, 0.1 * slot_in), 0.46
        fig_w = min(MAX_WIDTH, max(4.5, width * slot_in + 0.2))
        pad_in = 0.08
        fig_h = nbands * band_in - (band_in - box_h) + 2 * pad_in + 0.12    # + room for the badges
        self.fig = make_figure((fig_w, fig_h), alt=ALT)
        ax = self.ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        half_w = fig_w / slot_in / 2
        ax.set_xlim((width - 1) / 2 - half_w, (width - 1) / 2 + half_w)
        top = (box_h / 2 + pad_in + 0.12) / band_in           # band units above level 0's centre
        bottom = (box_h / 2 + pad_in) / band_in
        ax.set_ylim(nbands - 1 + bottom, -top)                # level 0 (the inputs) at the top
        self._bw, self._bh = box_w / slot_in, box_h / band_in
        fs = 7.5 if slot_in >= 1.1 else 6.8       # the longest line, "grad -0.2016 (1/2)", fits its box
        badge = dict(boxstyle="round,pad=0.2", facecolor="#fff7bc", edgecolor="#777", lw=0.8)

        # static: every box in its resting style, its name and operation, every arrow in grey.
        # dynamic (drawn over them, bottom to top): the current step's arrows and boxes (with
        # their name and badge again, over the box's new face), every grad, the arrows' labels
        self.boxes, self.header_texts, self.data_texts, self.grad_texts = [], [], [], []
        self.highlights, overlays = [], []
        line = 0.155 / band_in              # one line of text, in band units
        for node in nodes:
            x, y = self._slot[node["id"]], self._level[node["id"]]
            leaf = not node["inputs"]
            corner = (x - self._bw / 2, y - self._bh / 2)
            style = dict(boxstyle="round,pad=0,rounding_size=0.05", mutation_aspect=slot_in / band_in)
            box = FancyBboxPatch(corner, self._bw, self._bh, **style,
                                 facecolor=LEAF_FACE if leaf else OP_FACE, edgecolor="#444",
                                 linewidth=2.0 if node["id"] == self.trace["output"] else 1.0, zorder=2)
            ax.add_patch(box)
            self.boxes.append(box)
            self.highlights.append(ax.add_patch(FancyBboxPatch(corner, self._bw, self._bh, **style,
                                                               visible=False, zorder=2)))
            header = node["label"] or ("const" if leaf else "")
            first = y - line if header else y - line / 2     # two lines are centred without a header
            head = dict(ha="center", va="center", fontsize=fs + 0.5, weight="bold", zorder=3)
            self.header_texts.append(ax.text(x, y - line, header, **head))
            over = [ax.text(x, y - line, header, **head, visible=False)]
            where = (x, first + (line if header else 0))
            self.data_texts.append(ax.text(*where, "", ha="center", va="center", fontsize=fs, zorder=3))
            over.append(ax.text(*where, "", ha="center", va="center", fontsize=fs, visible=False))
            self.grad_texts.append(ax.text(x, first + (2 * line if header else line), "", ha="center",
                                           va="center", fontsize=fs, zorder=3))
            if not leaf:        # the operation, on the box's top-left corner, near its arrows
                where = (x - self._bw / 2 + 0.1, y - self._bh / 2)
                op = dict(ha="center", va="center", fontsize=fs + 0.5, weight="bold", zorder=4, bbox=badge)
                ax.text(*where, _op_symbol(node["op"]), **op)
                over.append(ax.text(*where, _op_symbol(node["op"]), **op, visible=False))
            overlays.append(over)
        self._overlays = overlays       # node id -> [name, data, badge] drawn over its highlighted box

        # one arrow per edge, from the bottom edge of the input's box to the top edge of the
        # result's box (no shrink: its tip touches the box, and nothing runs through a box);
        # a repeated input (a*a) gets one curved arrow per use
        self.arrows, self.current_arrows, self.edge_texts, self._edge_of = [], [], [], {}
        for node in nodes:
            for k, src in enumerate(node["inputs"]):
                copies = node["inputs"].count(src)
                rad = 0.5 * (node["inputs"][:k].count(src) - (copies - 1) / 2)
                start, end = self.edge_ends(src, node["id"])
                shape = dict(arrowstyle="-|>", mutation_scale=9, shrinkA=0, shrinkB=0,
                             connectionstyle=f"arc3,rad={rad}")
                self.arrows.append(ax.add_patch(FancyArrowPatch(start, end, **shape, color=EDGE,
                                                                linewidth=1.0, zorder=1)))
                self.current_arrows.append(ax.add_patch(FancyArrowPatch(start, end, **shape, color=CURRENT,
                                                                        linewidth=2.0, visible=False)))
                # the label sits just below the input, where its arrows have not yet met others
                t = 0.2 / max(end[1] - start[1], 1e-9)
                lx = start[0] + t * (end[0] - start[0]) + 1.4 * rad
                label = ax.text(lx, start[1] + 0.2, "", ha="center", va="center", fontsize=fs - 0.5,
                                color="#222", zorder=6, visible=False, linespacing=1.1,
                                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=CURRENT,
                                          lw=0.8))
                self._edge_of[(node["id"], k)] = len(self.arrows) - 1
                self.edge_texts.append(label)

        # the values (data) change only with the forward pass: static, redrawn in full then
        self._blit([*self.current_arrows, *self.highlights, *(t for over in overlays for t in over),
                    *self.grad_texts, *self.edge_texts])
        self._drawn_forward = None      # forward_done as the static picture shows it

        # the words, in HTML above and under the figure (a screen reader's readout of the step)
        self.heading = ipw.HTML()
        self.readout = readout_line(margin="2px 0")
        self.key = ipw.HTML(
            "<div style='color:#444;font-size:12px;line-height:1.35'>"
            f"<span style='color:{CURRENT}'><b>solid frame</b></span>: the node passing its gradient back; "
            f"<span style='color:{RECEIVING}'><b>dashed frame</b></span>: its inputs, receiving it; "
            "labels on the thick arrows: the local derivative, and what it adds to the input's grad. "
            "Shaded boxes: inputs, weights and constants.</div>")

    def edge_ends(self, src, dst):
        """Where the arrow from node ``src`` to node ``dst`` starts and ends, in data units.

        The middle of the bottom edge of src's box, and the middle of the top edge of dst's box
        (levels grow downwards).
        """
        return ((self._slot[src], self._level[src] + self._bh / 2),
                (self._slot[dst], self._level[dst] - self._bh / 2))

    def _render(self):
        """Put the state into the artists, the heading, the readout and the explanation."""
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
            for text in (self.data_texts[i], self._overlays[i][1]):
                text.set_text(f"data {_fmt(node['data'])}" if shown else DATA_MISSING)
                text.set_color("#222" if shown else MUTED)
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
            box = self.highlights[i]
            if step is not None and i == step["node"]:
                box.set(edgecolor=CURRENT, facecolor=CURRENT_FACE, linewidth=2.5, linestyle="-")
            elif i in receiving:
                box.set(edgecolor=RECEIVING, facecolor=RECEIVING_FACE, linewidth=2.0, linestyle="--")
            lit = step is not None and (i == step["node"] or i in receiving)
            for artist in (box, *self._overlays[i]):
                artist.set_visible(lit)

        current_edges = {}
        if step is not None:
            for j, c in enumerate(step["contributions"]):
                current_edges[self._edge_of[(step["node"], j)]] = c
        for e, (arrow, label) in enumerate(zip(self.current_arrows, self.edge_texts)):
            c = current_edges.get(e)
            arrow.set_visible(c is not None)
            label.set_visible(c is not None)
            if c is None:
                label.set_text("")
            elif self.revealed:
                label.set_text(f"local {_fmt(c['local'])}\nadds {_fmt(c['contribution'])}")
            else:
                label.set_text("local ?\nadds ?")

        self.heading.value = f"<div style='font-size:14px'><b>{html.escape(self._heading())}</b></div>"
        self.readout.value = (f"<div style='color:#222;font-size:13px;line-height:1.35'>"
                              f"{html.escape(self._summary())}</div>")
        self.explanation.value = self._explain()
        self.controls["back"].disabled = not self.forward_done
        self.controls["next"].disabled = self.forward_done and k == n and self.revealed
        full = self.forward_done != self._drawn_forward
        self._drawn_forward = self.forward_done
        self.redraw(full=full)

    def _summary(self):
        """The step in one line (what a screen reader says): the node, each local derivative
        and its chain-rule product."""
        n, k = len(self.steps), self.step_index
        if not self.forward_done:
            return "Before the forward pass: only the inputs and weights have values."
        if k == 0:
            out = self.trace["output"]
            return (f"Forward pass done: {self._names[out]} = {_fmt(self.trace['nodes'][out]['data'])}; "
                    f"no grads yet ({n} backward steps to go).")
        step = self.steps[k - 1]
        up = _fmt(step["upstream"])
        parts = []
        for c in step["contributions"]:
            if self.revealed:
                parts.append(f"to {self._names[c['input']]}: local derivative {_fmt(c['local'])}, "
                             f"{_fmt(c['local'])} \u00d7 {up} = {_fmt(c['contribution'])}")
            else:
                parts.append(f"to {self._names[c['input']]}: local derivative ?, ? \u00d7 {up} = ?")
        return (f"Step {k} of {n}: {self._names[step['node']]} passes its gradient {up}; "
                + "; ".join(parts) + ".")

    def _heading(self):
        n, k = len(self.steps), self.step_index
        if not self.forward_done:
            return f"{self.title}: before the forward pass"
        if k == 0:
            return f"{self.title}: forward pass done ({n} backward steps to go)"
        return f"{self.title}: backward step {k} of {n}"

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
        buttons = ipw.HBox([c["forward"], c["back"], c["next"], c["reset"], c["hide_numbers"]],
                           layout=ipw.Layout(flex_flow="row wrap", align_items="center"))
        # the step in words next to the buttons, then the graph (tall for the worked example)
        self.ui = ipw.VBox([buttons, self.heading, self.readout, c["explanation"], self.status,
                            figure_widget(self.fig), self.key])

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

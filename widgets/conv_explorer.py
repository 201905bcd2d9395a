"""A 3x3 convolution on a handwritten digit: the forward sum at one pixel, and where its gradient goes.

What the learner sees, left to right: a digit x (8x8, from ``backprop.datasets.load_digits``),
the 3x3 kernel K they edit (nine number boxes, or a preset: edge, blur, sharpen, or a kernel
learned from the digits), the feature map out = x convolved with K, then the two gradients
of the backward pass, dL/dK and dL/dx. One output pixel is chosen (a click on the feature map,
or the "out row" / "out column" sliders): its 3x3 window is framed on x, and the readout
writes out[i, j] as the sum of its nine products.

The backward view sets dL/dout by hand, so the gradients show the rule itself:
- "one pixel": dL/dout = 1 at the chosen pixel, 0 elsewhere. dL/dK is that pixel's window
  (each weight's gradient is the input it multiplied) and dL/dx is K laid on the window
  (each input's gradient is the weight it met);
- "all pixels": dL/dout = 1 everywhere. K was used at every position, so dL/dK is the sum of
  all the windows: the same rule as a ``Value`` used twice (a shared weight's gradient is the
  sum of its uses' contributions); dL/dx sums the weights that touched each pixel.

Every number comes from ``backprop.conv``: ``conv2d_forward`` (the window is the row of its
im2col matrix for that pixel) and ``conv2d_backward``. ``explain(...)`` holds the numbers for
one state as a pure function (no widget read); ``ConvExplorer.compute(state)`` calls it.

The "learned" preset is trained here, once per process (``learned_kernel``), in about 0.1 s:
conv (1 filter 3x3, no bias) -> relu -> average over the feature map -> logistic regression,
telling 7s from 1s, by plain gradient descent, seeded. It learns a top row of positive weights
over negative ones: ink with empty paper below it, the underside of a horizontal stroke, as
under a 7's top bar (a 1 has ink above and below along its stroke, which cancels).

View: the panels are images updated with ``set_data`` and blitted (``App._blit``); a full
draw only when the padding changes the feature map's size. All changing text is HTML.
"""
import functools

import ipywidgets as ipw
import numpy as np
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from backprop import activations, datasets, losses
from backprop.conv import (average_pool_backward, average_pool_forward, conv2d_backward, conv2d_forward,
                           output_size, paddings)
from backprop.layers import Dense
from backprop.optimizers import SGD
from backprop.validation import check_array, check_choice, check_int, check_number, check_seed, describe

from .app import App, figure_widget, html_block, html_line, make_figure, readout_line

SIDE = 8                        # the digits are 8x8
K = 3                           # the kernel is 3x3
GALLERY = 20                    # the first 20 digits of the data set: 0 to 9, then 0 to 9 again
PADDINGS = ("valid", "same")
GRADIENTS = ("pixel", "all")    # dL/dout = 1 at the chosen pixel only, or at every pixel
KERNEL_RANGE = (-10.0, 10.0)    # what a kernel box accepts
FIGSIZE = (9.0, 2.4)            # inches at dpi 100: 900 x 240 px, a laptop's notebook column

PRESETS = {
    # centre minus its eight neighbours: 0 on flat areas, large at a stroke's outline
    "edge": np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]]),
    # the mean of the window: a softer copy
    "blur": np.full((3, 3), 1.0 / 9.0),
    # the centre plus its difference from its four neighbours: strokes stand out
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
}
PRESET_NAMES = (*PRESETS, "learned")
PRESET_WORDS = {
    "edge": "edge: the centre minus its 8 neighbours, 0 where the window is flat and large at the outline "
            "of a stroke",
    "blur": "blur: the mean of the window (every weight 1/9), a softer copy of the digit",
    "sharpen": "sharpen: the centre plus its difference from its 4 neighbours, so strokes stand out",
}

# the learned preset: which digits, and how it is trained (seed 0 gives the kernel the text describes)
LEARNED_DIGITS = (1, 7)
LEARN_STEPS, LEARN_RATE, LEARN_SEED = 200, 2.0, 0

# Okabe-Ito orange for the frames, with a black outline so they show on every colour
MARK = "#E69F00"
SIGNED = "RdBu"                 # red < 0, white 0, blue > 0 (readable with colour-vision deficiencies)
ALT = ("Five panels in a row. The input digit x, 8 by 8 grey pixels, with an orange frame around the 3 by 3 "
       "window of the chosen output pixel; the 3 by 3 kernel K; the feature map out, with the chosen pixel "
       "framed in orange; then the gradients of the backward pass: dL/dK, 3 by 3, and dL/dx over the digit. "
       "Blue is positive, red negative, white zero. The numbers are written out under the figure.")


# ---- the data ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def gallery():
    """The digits the app shows: (images (GALLERY, 8, 8) in [0, 1], labels (GALLERY,) int)."""
    X, y = datasets.load_digits()
    return X[:GALLERY].reshape(-1, SIDE, SIDE), y[:GALLERY]


# ---- the numbers for one state ------------------------------------------------------------
def explain(x, kernel, padding="valid", row=0, column=0, gradient="pixel"):
    """Forward and backward of one 3x3 convolution, with the chosen pixel's arithmetic.

    x (H, W) one image; kernel (3, 3); padding "valid" or "same"; (row, column) the chosen
    output pixel; gradient "pixel" (dL/dout = 1 there, 0 elsewhere) or "all" (1 everywhere).
    Returns a dict:
      out (OH, OW) the feature map; value = out[row, column];
      window (3, 3) the inputs that pixel used (zeros where it hangs over the padding), and
      origin (top, left): where the window starts in x's coordinates (-1 over the padding);
      products (3, 3) = window * kernel, whose sum is value;
      dout (OH, OW) the dL/dout set by hand; dx (H, W) and dkernel (3, 3) from conv2d_backward;
      positions: how many output pixels dL/dout is 1 at.
    """
    x, kernel = check_array(x, "x", ndim=2), check_array(kernel, "kernel", ndim=2)
    if kernel.shape != (K, K):
        raise ValueError(f"kernel must have shape (3, 3), got {kernel.shape}")
    gradient = check_choice(gradient, "gradient", GRADIENTS)
    row, column = check_int(row, "row", low=0), check_int(column, "column", low=0)
    x4, k4 = x[None, :, :, None], kernel[:, :, None, None]          # (1, H, W, 1), (3, 3, 1, 1)
    out4, cache = conv2d_forward(x4, k4, padding=padding)
    out = out4[0, :, :, 0]                                         # (OH, OW)
    OH, OW = out.shape
    if row >= OH or column >= OW:
        raise ValueError(f"(row, column) must be a pixel of the {OH}x{OW} feature map, got ({row}, {column})")
    # the window is the im2col row conv2d_forward multiplied by the kernel at this pixel
    window = cache["cols"][row * OW + column].reshape(K, K)
    (top, _), (left, _) = paddings(x.shape, (K, K), (1, 1), padding)
    if gradient == "pixel":
        dout = np.zeros_like(out)
        dout[row, column] = 1.0
    else:
        dout = np.ones_like(out)
    dx4, dk4, _ = conv2d_backward(dout[None, :, :, None], cache)
    return {"out": out, "value": float(out[row, column]), "window": window, "origin": (row - top, column - left),
            "products": window * kernel, "dout": dout, "dx": dx4[0, :, :, 0], "dkernel": dk4[:, :, 0, 0],
            "positions": int(dout.sum())}


# ---- the learned preset -------------------------------------------------------------------
def pooled_feature(x, kernel):
    """x (N, 8, 8, 1), kernel (3, 3, 1, 1) -> (feature (N, 1), caches): the mean of relu(conv).

    The average pool covers the whole feature map (one number per image: how much of the
    kernel's pattern the digit holds). caches: what ``feature_backward`` needs.
    """
    z, conv_cache = conv2d_forward(x, kernel)                      # (N, 6, 6, 1)
    a = activations.ReLU().forward(z)
    pooled, pool_cache = average_pool_forward(a, pool_size=z.shape[1:3])   # (N, 1, 1, 1)
    return pooled.reshape(-1, 1), (conv_cache, z, a, pool_cache)


def feature_backward(dfeature, caches):
    """dL/dfeature (N, 1) -> dL/dkernel (3, 3, 1, 1), back through the pool, the relu and the conv."""
    conv_cache, z, a, pool_cache = caches
    da = average_pool_backward(dfeature.reshape(-1, 1, 1, 1), pool_cache)
    dz = activations.ReLU().backward(z, a, da)
    return conv2d_backward(dz, conv_cache, need_dx=False)[1]


def learn_kernel(digits=LEARNED_DIGITS, steps=LEARN_STEPS, learning_rate=LEARN_RATE, seed=LEARN_SEED):
    """Learn a 3x3 kernel that tells two digits apart, by plain gradient descent.

    The model: conv (1 filter 3x3, no bias) -> relu -> average over the map -> Dense(1, sigmoid),
    binary cross-entropy, trained on the training split of ``load_digits(test_fraction=0.25,
    seed=0)`` restricted to the two digits (label 1 for the second). The kernel starts from
    normal(0, 0.3) draws of ``seed``. Returns a dict: kernel (3, 3) rounded to 0.01 (as the
    boxes show it), w and b (the logistic regression), losses (steps,), train_accuracy and
    test_accuracy (the rounded kernel with w, b, on the two digits of each split).
    """
    if (not isinstance(digits, (tuple, list)) or len(digits) != 2
            or len({check_int(d, "digits", low=0, high=9) for d in digits}) != 2):
        raise ValueError(f"digits must be two different digits 0..9, got {describe(digits)}")
    steps = check_int(steps, "steps", low=1)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    (X_train, y_train), (X_test, y_test) = datasets.load_digits(test_fraction=0.25, seed=0)
    x, y = _two_digits(X_train, y_train, digits)
    rng = check_seed(seed, "seed")
    kernel = rng.normal(0.0, 0.3, size=(K, K, 1, 1))
    dense = Dense(1, activation="sigmoid", seed=seed)
    dense.build(1)
    loss, sgd = losses.BinaryCrossentropy(), SGD(learning_rate=learning_rate)
    history = []
    for _ in range(steps):
        feature, caches = pooled_feature(x, kernel)
        p = dense.forward(feature)                                 # (N, 1) probabilities of the second digit
        history.append(loss(y, p))
        # sigmoid with cross-entropy: dL/dz = (p - y) / N straight from the loss, as Sequential does
        dfeature = dense.backward_from_logits(loss.fused_gradient(y, p))
        dkernel = feature_backward(dfeature, caches)
        sgd.apply({"K": kernel, **dense.params}, {"K": dkernel, **dense.grads})
    kernel = np.round(kernel[:, :, 0, 0], 2)
    w, b = float(dense.kernel[0, 0]), float(dense.bias[0])

    def accuracy(X, labels):
        x2, y2 = _two_digits(X, labels, digits)
        feature, _ = pooled_feature(x2, kernel[:, :, None, None])
        return float(np.mean((feature * w + b > 0) == (y2 > 0.5)))  # p > 0.5 where the logit > 0
    return {"kernel": kernel, "w": w, "b": b, "losses": np.array(history),
            "train_accuracy": accuracy(X_train, y_train), "test_accuracy": accuracy(X_test, y_test)}


def _two_digits(X, y, digits):
    """The images of the two digits as (N, 8, 8, 1), and labels (N, 1): 1.0 for the second digit."""
    keep = (y == digits[0]) | (y == digits[1])
    return X[keep].reshape(-1, SIDE, SIDE, 1), (y[keep] == digits[1]).astype(float)[:, None]


@functools.lru_cache(maxsize=1)
def learned():
    """learn_kernel() with its defaults, trained once per process (the result is shared: do not change it)."""
    return learn_kernel()


def preset_kernel(name):
    """The (3, 3) kernel of a preset (a new array)."""
    return learned()["kernel"].copy() if name == "learned" else PRESETS[name].copy()


def matching_preset(kernel):
    """The preset whose kernel this is, or None (the learner's own)."""
    for name in PRESET_NAMES:
        if np.allclose(kernel, preset_kernel(name), rtol=0, atol=1e-9):
            return name
    return None


def learned_words():
    r = learned()
    first, second = LEARNED_DIGITS
    return (f"learned: trained to tell {second}s from {first}s (conv 3x3 → relu → mean over the map → logistic "
            f"regression, {LEARN_STEPS} steps of gradient descent, seed {LEARN_SEED}). Its top row is positive "
            "and the rows below negative: it detects ink with empty paper under it, the underside of a "
            f"horizontal stroke, as under a {second}'s top bar. The mean of its relu'd map alone tells "
            f"{second} from {first} for {100 * r['test_accuracy']:.0f}% of held-out digits "
            f"(train {100 * r['train_accuracy']:.0f}%, chance 50%).")


KERNEL_NAMES = tuple(f"k{a}{c}" for a in range(K) for c in range(K))   # the boxes, row by row


class ConvExplorer(App):
    """A 3x3 convolution on a digit: the feature map, one pixel's sum, and its gradients.

    Keyword arguments (each opens the app in that state; reset returns to it):
        image: which digit of the gallery, 0..19 (the data set's first 20: 0 to 9, twice; default 0)
        kernel: a preset name ("edge", "blur", "sharpen", "learned") or a 3x3 array of numbers
            in [-10, 10] (default "edge")
        padding: "valid" (a 6x6 feature map) or "same" (8x8: zeros around the digit)
        row, column: the chosen output pixel (default 2, 1)
        gradient: "pixel" (dL/dout = 1 at the chosen pixel) or "all" (1 at every pixel)

    Controls (``app.controls``): "image", "row", "column" (IntSliders), "padding", "gradient",
    "preset" (ToggleButtons; preset None when the boxes hold no preset), "k00" ... "k22" (the
    kernel's nine BoundedFloatText boxes, K[a, c] in box "k{a}{c}"), "reset" (Button). A click
    on the feature map chooses that pixel. ``app.result`` holds the last
    ``compute(app.state())``. Readouts (HTML): ``app.readout`` (the state in one line),
    ``app.key`` (what the colours and frames mean), ``app.forward_html`` and
    ``app.backward_html`` (the arithmetic), ``app.note`` (what the preset does).
    """

    def __init__(self, image=0, kernel="edge", padding="valid", row=2, column=1, gradient="pixel"):
        image = check_int(image, "image", low=0, high=GALLERY - 1)
        padding = check_choice(padding, "padding", PADDINGS)
        gradient = check_choice(gradient, "gradient", GRADIENTS)
        size = output_size(SIDE, K, 1, padding)
        row = check_int(row, "row", low=0, high=size - 1)
        column = check_int(column, "column", low=0, high=size - 1)
        kernel, preset = _check_kernel(kernel)
        self._initial = {"image": image, "row": row, "column": column, "padding": padding,
                         "gradient": gradient, "preset": preset,
                         **{name: float(v) for name, v in zip(KERNEL_NAMES, kernel.ravel())}}
        self._images, self._labels = gallery()
        self._shown = None          # the padding of the last full draw
        self._init_status()
        self._build_view()
        self._build_controls()
        self._update()

    # ---- model --------------------------------------------------------------------------
    @staticmethod
    def kernel_of(state):
        """The (3, 3) kernel that the boxes of ``state`` hold."""
        return np.array([state[name] for name in KERNEL_NAMES], dtype=float).reshape(K, K)

    def compute(self, state):
        """``explain`` for a dict of control values (``app.state()``); no control is read.
        Adds x (8, 8), kernel (3, 3) and digit (the image's label) to its dict."""
        x, kernel = self._images[state["image"]], self.kernel_of(state)
        r = explain(x, kernel, state["padding"], state["row"], state["column"], state["gradient"])
        return {**r, "x": x, "kernel": kernel, "digit": int(self._labels[state["image"]])}

    # ---- view ---------------------------------------------------------------------------
    def _build_view(self):
        self.fig = fig = make_figure(FIGSIZE, alt=ALT)
        W, H = FIGSIZE
        bottom, big, small = 0.32, 1.72, 0.9
        mid = bottom + (big - small) / 2            # the 3x3 panels, centred beside the big ones

        def axes(left, y, side, title):
            ax = fig.add_axes((left / W, y / H, side / W, side / H))
            ax.set_title(title, fontsize=9, pad=4)
            ax.tick_params(labelsize=7, length=2, pad=1)
            return ax

        ax = self.axes = {"x": axes(0.3, bottom, big, "input x"),
                          "kernel": axes(2.32, mid, small, "kernel K"),
                          "out": axes(3.55, bottom, big, "feature map out"),
                          "dkernel": axes(5.78, mid, small, "dL/dK"),
                          "dx": axes(7.0, bottom, big, "dL/dx")}
        fig.text(2.19 / W, (bottom + big / 2) / H, "∗", fontsize=16, ha="center", va="center")
        fig.text(3.36 / W, (bottom + big / 2) / H, "=", fontsize=14, ha="center", va="center")
        fig.add_artist(Line2D([5.5 / W] * 2, [0.06, 0.94], color="0.75", lw=1))     # forward | backward

        # x and dL/dx: the digit's pixels, with room for the padding ring of 'same'
        zeros = np.zeros((SIDE, SIDE))
        self.x_image = ax["x"].imshow(zeros, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        self.dx_image = ax["dx"].imshow(zeros, cmap=SIGNED, vmin=-1, vmax=1, interpolation="nearest")
        self.edges = {}
        for name in ("x", "dx"):
            ax[name].set_xlim(-1.5, SIDE + 0.5)
            ax[name].set_ylim(SIDE + 0.5, -1.5)
            ax[name].set_xticks(range(SIDE))
            ax[name].set_yticks(range(SIDE))
            for spine in ax[name].spines.values():
                spine.set_visible(False)
            # the image's edge: with padding 'same' the window may reach over it, onto zeros
            self.edges[name] = ax[name].add_patch(Rectangle((-0.5, -0.5), SIDE, SIDE, fill=False, lw=0.8,
                                                            ls="--", edgecolor="0.45", zorder=2.6))
        self.kernel_image = ax["kernel"].imshow(np.zeros((K, K)), cmap=SIGNED, vmin=-1, vmax=1)
        self.dkernel_image = ax["dkernel"].imshow(np.zeros((K, K)), cmap=SIGNED, vmin=-1, vmax=1)
        for name in ("kernel", "dkernel"):
            ax[name].set_xticks(range(K))
            ax[name].set_yticks(range(K))
        self.out_image = ax["out"].imshow(np.zeros((6, 6)), cmap=SIGNED, vmin=-1, vmax=1, interpolation="nearest")
        ax["out"].set_xlabel("click a pixel to choose it", fontsize=7.5, labelpad=2, color="#444")

        def frame(axes_, size):
            outline = [patheffects.withStroke(linewidth=4.2, foreground="black")]
            return axes_.add_patch(Rectangle((-0.5, -0.5), size, size, fill=False, lw=2.2, edgecolor=MARK,
                                             zorder=3, clip_on=False, path_effects=outline))
        self.window_frame = frame(ax["x"], K)
        self.pixel_frame = frame(ax["out"], 1)
        self.dx_frame = frame(ax["dx"], K)

        # what a control moves, bottom to top: images, then the spines and edges over them, then the frames
        spines = [s for name in ("kernel", "out", "dkernel") for s in ax[name].spines.values()]
        self._blit([self.x_image, self.kernel_image, self.out_image, self.dkernel_image, self.dx_image,
                    *spines, *self.edges.values(), self.window_frame, self.pixel_frame, self.dx_frame])
        fig.canvas.mpl_connect("button_press_event", self.guard(self._on_click))

        self.readout = readout_line(margin="2px 0 0 0")
        self.key = ipw.HTML()
        self.forward_html = ipw.HTML(layout=ipw.Layout(margin="0 28px 0 0"))
        self.backward_html = ipw.HTML()
        self.note = ipw.HTML()

    # ---- controls -----------------------------------------------------------------------
    def _build_controls(self):
        init, c = self._initial, self.controls
        size = output_size(SIDE, K, 1, init["padding"])
        style = {"description_width": "80px"}
        layout = ipw.Layout(width="270px")
        c["image"] = ipw.IntSlider(value=init["image"], min=0, max=GALLERY - 1, description="image",
                                   continuous_update=True, style=style, layout=layout)
        c["row"] = ipw.IntSlider(value=init["row"], min=0, max=size - 1, description="out row",
                                 continuous_update=True, style=style, layout=layout)
        c["column"] = ipw.IntSlider(value=init["column"], min=0, max=size - 1, description="out column",
                                    continuous_update=True, style=style, layout=layout)
        c["padding"] = ipw.ToggleButtons(options=PADDINGS, value=init["padding"], description="padding",
                                         tooltips=["no padding: a 6x6 feature map",
                                                   "zeros around the digit: an 8x8 feature map"],
                                         style={"button_width": "66px", "description_width": "80px"})
        c["preset"] = ipw.ToggleButtons(options=PRESET_NAMES, value=init["preset"], description="preset",
                                        tooltips=[PRESET_WORDS.get(n, "learned from the digits") for n in PRESET_NAMES],
                                        style={"button_width": "84px", "description_width": "50px"})
        for name in KERNEL_NAMES:
            c[name] = ipw.BoundedFloatText(value=init[name], min=KERNEL_RANGE[0], max=KERNEL_RANGE[1], step=0.1,
                                           description=f"K[{name[1]},{name[2]}]",
                                           style={"description_width": "42px"}, layout=ipw.Layout(width="118px"))
        c["gradient"] = ipw.ToggleButtons(options=[("one pixel", "pixel"), ("all pixels", "all")],
                                          value=init["gradient"], description="dL/dout = 1 at",
                                          tooltips=["dL/dout = 1 at the chosen pixel, 0 elsewhere",
                                                    "dL/dout = 1 at every pixel of the feature map"],
                                          style={"button_width": "100px", "description_width": "92px"})
        c["reset"] = ipw.Button(description="reset", icon="undo",
                                tooltip="back to the values the app was opened with", layout=ipw.Layout(width="90px"))

        update = self.throttled(self._on_change)
        for name in ("image", "row", "column", "padding", "gradient"):
            c[name].observe(update, "value")
        boxes = self.throttled(self._on_kernel_box)
        for name in KERNEL_NAMES:
            c[name].observe(boxes, "value")
        c["preset"].observe(self.guard(self._on_preset), "value")
        c["reset"].on_click(self.guard(self.reset))

        def column(title, rows):
            return ipw.VBox([ipw.HTML(f"<b>{title}</b>")] + rows, layout=ipw.Layout(margin="0 14px 4px 0"))

        grid = ipw.GridBox([c[name] for name in KERNEL_NAMES],
                           layout=ipw.Layout(grid_template_columns="repeat(3, 122px)", grid_gap="2px 0"))
        wrap = ipw.Layout(flex_flow="row wrap")     # columns stack on a narrow page, no scroll bar
        self.ui = ipw.VBox([
            ipw.HTML("<b>A 3×3 convolution:</b> out[i, j] = Σ<sub>a,c</sub> x[i+a, j+c] · K[a, c], "
                     "the same nine weights at every position"),
            ipw.HBox([column("input and output pixel", [c["image"], c["row"], c["column"], c["padding"]]),
                      column("kernel K", [c["preset"], grid]),
                      column("backward", [c["gradient"], c["reset"]])], layout=wrap),
            figure_widget(self.fig),
            self.readout,
            self.key,
            self.note,
            ipw.HBox([self.forward_html, self.backward_html], layout=wrap),
            self.status,
        ])

    def _on_preset(self, change):
        """A preset chosen: its nine weights go into the boxes, then one update."""
        if self._quiet or change["new"] is None:
            return
        kernel = preset_kernel(change["new"])
        self.restore_controls(dict(zip(KERNEL_NAMES, map(float, kernel.ravel()))))
        self._update()

    def _on_kernel_box(self):
        """A weight typed in a box: the preset buttons show which preset this is (none if it is yours)."""
        if self._quiet:
            return
        with self.quietly():
            self.controls["preset"].value = matching_preset(self.kernel_of(self.state()))
        self._update()

    def reset(self, *_):
        """Back to the opening state; the padding first, so the pixel sliders reach the opening pixel."""
        self.restore_controls({"padding": self._initial["padding"]})
        self._fit_pixel_sliders()
        super().reset()

    def _on_click(self, event):
        """A click on the feature map chooses that output pixel (the sliders follow)."""
        if event.inaxes is not self.axes["out"] or event.xdata is None:
            return
        size = self.result["out"].shape
        row, column = int(round(event.ydata)), int(round(event.xdata))
        if 0 <= row < size[0] and 0 <= column < size[1]:
            self.restore_controls({"row": row, "column": column})
            self._update()

    # ---- model -> view ------------------------------------------------------------------
    def _update(self):
        self._fit_pixel_sliders()
        s = self.state()
        self.result = r = self.compute(s)
        self._show(s, r)
        self.status.value = ""                      # a good update clears an old error

    def _fit_pixel_sliders(self):
        """The row and column sliders span the feature map of the current padding (a smaller map
        pulls a chosen pixel past its edge back onto it)."""
        last = output_size(SIDE, K, 1, self.controls["padding"].value) - 1
        with self.quietly():
            for name in ("row", "column"):
                if self.controls[name].max != last:
                    self.controls[name].max = last

    def _show(self, s, r):
        """Put state ``s`` and its result ``r`` into the artists and the readouts, then redraw."""
        full = s["padding"] != self._shown
        if full:                                    # the feature map's size: limits and ticks change
            self._show_padding(s["padding"], r["out"].shape)
        self.x_image.set_data(r["x"])
        for image, values in ((self.kernel_image, r["kernel"]), (self.out_image, r["out"]),
                              (self.dkernel_image, r["dkernel"]), (self.dx_image, r["dx"])):
            image.set_data(values)
            limit = _limit(values)
            image.set_clim(-limit, limit)
        top, left = r["origin"]
        self.window_frame.set_xy((left - 0.5, top - 0.5))
        self.dx_frame.set_xy((left - 0.5, top - 0.5))
        self.dx_frame.set_visible(s["gradient"] == "pixel")
        self.pixel_frame.set_xy((s["column"] - 0.5, s["row"] - 0.5))
        self._show_text(s, r)
        self.redraw(full=full)

    def _show_padding(self, padding, shape):
        OH, OW = shape
        ax = self.axes["out"]
        self.out_image.set_data(np.zeros(shape))
        self.out_image.set_extent((-0.5, OW - 0.5, OH - 0.5, -0.5))
        ax.set_xlim(-0.5, OW - 0.5)
        ax.set_ylim(OH - 0.5, -0.5)
        ax.set_xticks(range(OW))
        ax.set_yticks(range(OH))
        for edge in self.edges.values():
            edge.set_visible(padding == "same")
        self._shown = padding

    def _show_text(self, s, r):
        self.readout.value = html_line(self._summary(s, r))
        self.key.value = html_line(
            "Blue > 0, red < 0, white 0; each map is scaled to its own largest |value| "
            f"(K ±{_limit(r['kernel']):.3g}, out ±{_limit(r['out']):.3g}, dL/dK ±{_limit(r['dkernel']):.3g}, "
            f"dL/dx ±{_limit(r['dx']):.3g}). Orange frames: out[{s['row']}, {s['column']}] and the window "
            "of x it used" + (" (and, on dL/dx, the pixels that get gradient)" if s["gradient"] == "pixel" else "")
            + (". Dashed: the digit's edge; beyond it, the zeros of padding 'same'" if s["padding"] == "same" else "")
            + ". Click the feature map, or use out row and out column, to choose a pixel.",
            color="#444", size="12px")
        preset = s["preset"]
        words = (learned_words() if preset == "learned" else PRESET_WORDS[preset] if preset
                 else "your own (type a weight, or press a preset).")
        self.note.value = html_line("Kernel: " + words, color="#333", size="12px")
        self.forward_html.value = html_block("forward: one output pixel", _forward_text(s, r), size="12px")
        self.backward_html.value = html_block("backward: where dL/dout = 1 sends gradient", _backward_text(s, r),
                                              size="12px")

    @staticmethod
    def _summary(s, r):
        """The state in one sentence (what a screen reader says after a control moved)."""
        kernel = f"the {s['preset']} kernel" if s["preset"] else "your kernel"
        where = (f"at out[{s['row']}, {s['column']}] only: dL/dK is that window and dL/dx is K laid on it"
                 if s["gradient"] == "pixel" else
                 f"at all {r['positions']} pixels: dL/dK is the sum of the {r['positions']} windows")
        return (f"Image {s['image']} (digit {r['digit']}) with {kernel}, padding {s['padding']}: "
                f"out[{s['row']}, {s['column']}] = sum of 9 products = {r['value']:.3f}. "
                f"Backward with dL/dout = 1 {where}; dL/dK[1, 1] = {r['dkernel'][1, 1]:.3f}.")


def _check_kernel(kernel):
    """(kernel (3, 3) floats in KERNEL_RANGE, its preset name or None) from a name or an array."""
    if isinstance(kernel, str):
        return preset_kernel(check_choice(kernel, "kernel", PRESET_NAMES)), kernel
    try:
        values = check_array(kernel, "kernel")
    except TypeError as err:
        raise ValueError(f"kernel must be a preset name {list(PRESET_NAMES)} or a 3x3 array of numbers, "
                         f"got {describe(kernel)}") from err
    if values.shape != (K, K):
        raise ValueError(f"kernel must be a preset name or a 3x3 array of numbers, got shape {values.shape}")
    if np.any(values < KERNEL_RANGE[0]) or np.any(values > KERNEL_RANGE[1]):
        raise ValueError(f"kernel's weights must lie in [{KERNEL_RANGE[0]:g}, {KERNEL_RANGE[1]:g}] (the boxes' "
                         f"range), got {values.min():g} to {values.max():g}")
    return values.astype(float), matching_preset(values)


def _forward_text(s, r):
    """The chosen pixel's sum, written out (lines of at most about 60 characters: the forward and
    backward blocks sit side by side in a 1000 px column)."""
    top, left = r["origin"]
    over = " (beyond x: zeros)" if min(top, left) < 0 or max(top, left) + K > SIDE else ""
    lines = [f"window: x rows {top}..{top + K - 1}, columns {left}..{left + K - 1}{over}",
             f"{'window':<18}{'× K':<21}= products"]
    for a in range(K):
        lines.append(f"{_row(r['window'][a], 5):<18}{_row(r['kernel'][a]):<21}{_row(r['products'][a])}")
    lines.append(f"out[{s['row']}, {s['column']}] = sum of 9 products = {r['value']:.3f}")
    return "\n".join(lines)


def _backward_text(s, r):
    """Where dL/dout sends gradient, with dL/dK (3x3) and dL/dx (8x8) in numbers."""
    if s["gradient"] == "pixel":
        top, left = r["origin"]
        lines = [f"dL/dout = 1 at out[{s['row']}, {s['column']}], 0 at the other pixels",
                 f"dL/dK[a, c] = x[{s['row']}+a, {s['column']}+c]: the window",
                 *[_row(v) for v in r["dkernel"]],
                 f"dL/dx = K laid on the window (rows {top}..{top + K - 1}, columns",
                 f"{left}..{left + K - 1}), 0 elsewhere. In general dL/dx is dL/dout",
                 "convolved, 'full', with the flipped kernel; for one",
                 "pixel that lays K down as it is:"]
    else:
        n = r["positions"]
        lines = [f"dL/dout = 1 at all {n} pixels",
                 f"dL/dK[a, c] = sum over the {n} positions of x[i+a, j+c]:",
                 *[_row(v) for v in r["dkernel"]],
                 "The kernel's gradient is the sum over all positions:",
                 "K is used at every one, and a shared weight's gradient",
                 "is the sum of its uses' contributions, the same rule",
                 "as a Value used twice.",
                 "dL/dx[p, q] = sum of the weights that touched x[p, q]",
                 f"(sum of K = {r['kernel'].sum():.3f} where all nine did):"]
    lines += [_row(v) for v in r["dx"]]
    return "\n".join(lines)


def _limit(values):
    """The half-range of a signed colour scale for ``values``: its largest |value| (1 if all are 0)."""
    top = float(np.max(np.abs(values)))
    return top if top > 0 else 1.0


def _row(values, width=6):
    """Numbers with 2 decimals, right-aligned in ``width``; + 0.0 turns a -0.0 (0 times a negative
    weight) into 0.00."""
    return " ".join(f"{v + 0.0:{width}.2f}" for v in values)

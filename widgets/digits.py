"""A small network reading handwritten digits: where it is right, and where it is not.

What the learner sees: a network trained on the 8x8 handwritten digits
(``backprop.datasets.load_digits``) judged on test images it never saw. On the
left, the confusion matrix (row: the true digit, column: the network's answer;
the diagonal counts the right answers) with the test accuracy above it; in the
middle, the misclassified test images, page by page, each with
"true -> predicted (probability)"; on the right, any one test image drawn large
with the ten probabilities the network gives it.

What the learner learns: a test accuracy is a count of individual decisions;
the mistakes are often digits a person might misread too, and the probabilities
show how sure the network was, even when it was wrong.

Every number comes from ``model.predict``, once, when the app opens; the view only
counts and draws. Model, view, controls: ``compute(state)`` says what a (page, index)
pair shows (no widget read); the pages of misclassified images are one precomputed
array, so a slider step only indexes into it. The confusion matrix, the axes and the
labels are drawn once; a step redraws only the images, their captions, the bars and the
frames that mark the selected image (blitting); the state in words is an HTML line.
"""
import html

import ipywidgets as ipw
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from backprop import Dense, Sequential, datasets
from backprop.validation import check_int, describe

from .app import App, figure_widget, make_figure, readout_line

TEST_FRACTION = 0.25
GRID_ROWS, GRID_COLS = 3, 4
PER_PAGE = GRID_ROWS * GRID_COLS
FIGSIZE = (9.0, 4.2)            # inches at dpi 100: 900 x 420 px, a laptop's notebook column
GRID_BOX = (3.62, 0.3, 2.98, 3.5)   # the page of small images: left, bottom, width, height (inches)
THUMB, COLUMN, ROW = 0.66, 0.73, 1.14   # a small image's side; a column; a row with its caption
# Okabe-Ito colours; right and wrong are also said in words (titles, readout)
RIGHT, WRONG, BAR, MARK = "#0072B2", "#D55E00", "#c9c9c9", "#E69F00"
ALT = ("Left: the confusion matrix of the test images, true digit by row and the network's answer by "
       "column, with the count in each cell and the test accuracy above it; an orange frame marks the "
       "cell of the image shown large. Middle: a page of misclassified test images, each captioned with "
       "its number and 'true digit -> predicted digit (probability)'. Right: the selected test image "
       "drawn large, and a bar chart of the ten probabilities the network gives it, the predicted digit "
       "coloured (blue if right, vermillion if wrong) and the true digit outlined in black. "
       "The selected image and the page are written out under the figure.")


def train_digits_model(X_train, y_train, seed=0, epochs=30):
    """The default model: 64 pixels -> Dense 64 relu -> Dense 10 softmax, Adam, fitted.

    X_train: (N, 64) pixels in [0, 1]; y_train: (N,) int labels 0..9.
    """
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)),
                        Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model


def page_slots(misclassified, n_pages, per_page=PER_PAGE):
    """The test indices on every page: (n_pages, per_page) int, -1 where a slot is empty.

    misclassified: (M,) test indices, in the order the pages show them.
    """
    slots = np.full(n_pages * per_page, -1, dtype=int)
    slots[:len(misclassified)] = misclassified
    return slots.reshape(n_pages, per_page)


def thumb_places():
    """(left, bottom) in inches inside GRID_BOX of each slot, row by row from the top."""
    return [(0.095 + c * COLUMN, 2.35 - r * ROW) for r in range(GRID_ROWS) for c in range(GRID_COLS)]


def caption(i, true, predicted, prob):
    """A small image's caption: '#i' then 'true -> predicted (probability)'."""
    return f"#{i}\n{true} \u2192 {predicted} ({prob:.2f})"


class DigitsViewer(App):
    """A digit classifier's test results: confusion matrix, mistakes, one image in detail.

    Keyword arguments:
      model: None (default) to build and fit the small model of
        ``train_digits_model`` on the training split; or a trained ``Sequential``
        mapping 64 pixels to 10 softmax probabilities (its ``epochs`` are its own).
      seed: the train/test split of ``load_digits`` (25% test, stratified) and
        the default model's initial weights and shuffles (default 0).
      epochs: training epochs of the default model (default 30).
      page: the page of misclassified images shown first (1-based, default 1).
      index: the test image shown large first (default 0).

    Controls (``app.controls``): "page" (IntSlider over the pages of
    misclassified images), "index" (IntSlider over the test images; clicking a
    misclassified image also selects it), "reset" (back to the first page and
    image given).

    State for tests and lessons: ``model``, ``X_test``, ``y_test``, ``probs``
    (model.predict(X_test)), ``predicted``, ``confusion`` (10, 10) counts,
    ``accuracy``, ``misclassified`` (test indices, ascending), ``result`` (the last
    ``compute(app.state())``). The readouts are HTML widgets: ``app.readout`` (the
    selected image and the page in words) and ``app.key`` (what the marks mean).
    """

    def __init__(self, model=None, seed=0, epochs=30, page=1, index=0):
        self._init_status()
        seed = check_int(seed, "seed", low=0)
        epochs = check_int(epochs, "epochs", low=0)
        if model is not None and not isinstance(model, Sequential):
            raise TypeError(f"model must be None or a trained backprop Sequential, got {describe(model)}")
        page = check_int(page, "page", low=1)
        (X_train, y_train), (self.X_test, self.y_test) = datasets.load_digits(
            test_fraction=TEST_FRACTION, seed=seed)
        index = check_int(index, "index", low=0, high=len(self.y_test) - 1)
        self.model = train_digits_model(X_train, y_train, seed, epochs) if model is None else model
        self.probs = self._predict_test()
        self.predicted = np.argmax(self.probs, axis=1)
        self.confusion = np.zeros((10, 10), dtype=int)
        np.add.at(self.confusion, (self.y_test, self.predicted), 1)
        self.accuracy = float(np.mean(self.predicted == self.y_test))
        self.misclassified = np.flatnonzero(self.predicted != self.y_test)
        self.n_pages = max(1, -(-len(self.misclassified) // PER_PAGE))
        if page > self.n_pages:
            raise ValueError(f"page must be <= {self.n_pages} (the pages of misclassified images), "
                             f"got {page}")
        self._initial = {"page": page, "index": index}
        # what the sliders index into, once: the test images as (N, 8, 8), the pages' slots
        self._images = self.X_test.reshape(-1, 8, 8)
        self._slots = page_slots(self.misclassified, self.n_pages)          # (pages, PER_PAGE)
        self._blank = np.zeros((8, 8))
        self._captions = {int(i): caption(int(i), int(self.y_test[i]), int(self.predicted[i]),
                                          float(self.probs[i, self.predicted[i]]))
                          for i in self.misclassified}
        self._thumb_index = [None] * PER_PAGE     # test index shown in each slot

        self._build_view()
        self._build_controls()
        self._update()

    def _predict_test(self):
        """model.predict on the test images, checked to be 10 probabilities per image."""
        try:
            probs = np.asarray(self.model.predict(self.X_test), dtype=float)
        except (ValueError, RuntimeError) as err:
            raise ValueError(f"model must take the 64 pixels of a digit image (X of shape (N, 64)); "
                             f"predict failed: {err}") from None
        if probs.shape != (len(self.X_test), 10):
            raise ValueError(f"model must output 10 class probabilities per image (shape (N, 10)), "
                             f"got shape {probs.shape}")
        if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
            raise ValueError("model must end with a softmax layer: its outputs are not probabilities "
                             "(negative, or rows not summing to 1)")
        return probs

    # ---- model --------------------------------------------------------------------------
    def compute(self, state):
        """What the figure shows for ``state`` ({"page": 1-based page, "index": test image}).

        No control is read. Returns a dict: page, slots (PER_PAGE,) test indices on the
        page (-1: empty), index, true, predicted (ints), probs (10,), right (bool).
        """
        page, index = int(state["page"]), int(state["index"])
        true, pred = int(self.y_test[index]), int(self.predicted[index])
        return {"page": page, "slots": self._slots[page - 1], "index": index, "true": true,
                "predicted": pred, "probs": self.probs[index], "right": pred == true}

    # ---- view ---------------------------------------------------------------------------
    def _build_view(self):
        self.fig = fig = make_figure(FIGSIZE, alt=ALT)
        W, H = FIGSIZE

        def axes(left, bottom, width, height):
            """Axes placed in inches from the figure's bottom left."""
            return fig.add_axes((left / W, bottom / H, width / W, height / H))

        # left: the confusion matrix (static: it never changes)
        ax = self.ax_confusion = axes(0.5, 0.45, 3.0, 3.0)
        self.confusion_image = ax.imshow(self.confusion, cmap="Blues", vmin=0,
                                         vmax=max(1, self.confusion.max()))
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("predicted digit", fontsize=9)
        ax.set_ylabel("true digit", fontsize=9)
        ax.tick_params(labelsize=8, length=0)
        threshold = self.confusion.max() / 2
        self.confusion_texts = [[ax.text(j, i, str(self.confusion[i, j]) if self.confusion[i, j] else "",
                                         ha="center", va="center", fontsize=7.5,
                                         weight="normal" if i == j else "bold",
                                         color="white" if self.confusion[i, j] > threshold else
                                         (WRONG if i != j else "#222"))
                                 for j in range(10)] for i in range(10)]
        correct = int(np.sum(self.predicted == self.y_test))
        ax.set_title(f"test accuracy {100 * self.accuracy:.1f}%  ({correct} of {len(self.y_test)})",
                     fontsize=9.5, weight="bold")
        # the cell of the image shown large, whole even on the matrix's edge
        self.confusion_marker = ax.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=MARK,
                                                       linewidth=2.2, clip_on=False))

        # middle: a page of misclassified images. Twelve images and their captions would cost
        # most of a frame in Agg (text above all), so each page is drawn once, off screen, into
        # one picture (``_page_pixels``) that a step only swaps in (a FigureImage, pixel for pixel)
        fig.text(5.05 / W, 4.12 / H, "misclassified: true \u2192 predicted (probability)", ha="center",
                 va="top", fontsize=9, weight="bold")
        fig.text(5.05 / W, 0.06 / H, "click an image to see it large", ha="center", va="bottom",
                 fontsize=8, color="#555")
        dpi = fig.dpi
        self._page_cache = {}
        width, height = round(GRID_BOX[2] * dpi), round(GRID_BOX[3] * dpi)     # pixels
        ax_page = axes(*GRID_BOX)
        ax_page.set_axis_off()
        # one data unit per pixel (an axes, not a figimage: savefig draws an axes' animated artists)
        self.page_image = ax_page.imshow(np.zeros((height, width, 4), dtype=np.uint8), extent=(0, width, 0, height),
                                         interpolation="nearest")
        ax_page.set_xlim(0, width)
        ax_page.set_ylim(0, height)
        # the page's artists, on a figure of its own the size of the grid (``thumbs``: its
        # (axes, image, caption) per slot); the main figure has an empty axes over each slot,
        # for clicks, and the orange frame of the selected image
        grid = Figure(figsize=GRID_BOX[2:], dpi=dpi)
        FigureCanvasAgg(grid)
        self.thumbs, self.thumb_axes, self.thumb_frames = [], [], []
        for left, bottom in thumb_places():
            tax = grid.add_axes((left / GRID_BOX[2], bottom / GRID_BOX[3],
                                 THUMB / GRID_BOX[2], THUMB / GRID_BOX[3]))
            tax.set_xticks([])
            tax.set_yticks([])
            image = tax.imshow(self._blank, cmap="gray_r", vmin=0, vmax=1)
            title = tax.set_title("", fontsize=7.5, color="#222", pad=2, linespacing=1.1)
            self.thumbs.append((tax, image, title))
            click = axes(GRID_BOX[0] + left, GRID_BOX[1] + bottom, THUMB, THUMB)
            click.set_axis_off()
            self.thumb_axes.append(click)
            self.thumb_frames.append(click.add_patch(Rectangle((0, 0), 1, 1, transform=click.transAxes,
                                                               fill=False, edgecolor=MARK, linewidth=3.0,
                                                               clip_on=False, visible=False)))

        # right: one image large, and its probabilities
        self.ax_image = axes(7.05, 2.2, 1.4, 1.4)
        self.ax_image.set_xticks([])
        self.ax_image.set_yticks([])
        self.big_image = self.ax_image.imshow(self._blank, cmap="gray_r", vmin=0, vmax=1)
        self.big_title = self.ax_image.set_title("", fontsize=9, weight="bold", linespacing=1.15)
        self.ax_probs = axes(7.0, 0.45, 1.9, 1.15)
        self.bars = self.ax_probs.bar(range(10), np.zeros(10), color=BAR, edgecolor="#555", linewidth=0.6)
        self.ax_probs.set_ylim(0, 1.2)
        self.ax_probs.set_xlim(-0.6, 9.6)
        self.ax_probs.set_xticks(range(10))
        self.ax_probs.set_yticks([0, 0.5, 1])
        self.ax_probs.tick_params(labelsize=7.5)
        self.ax_probs.set_xlabel("digit", fontsize=8.5, labelpad=1)
        self.ax_probs.set_ylabel("probability", fontsize=8.5)
        self.ax_probs.spines[["top", "right"]].set_visible(False)
        self.ax_probs.set_title("model.predict", fontsize=8.5, pad=3)
        self.prob_text = self.ax_probs.text(0, 0, "", ha="center", va="bottom", fontsize=7.5)

        # what a slider step changes, bottom to top
        self._blit([self.page_image, *self.thumb_frames, self.confusion_marker, self.big_image,
                    self.big_title,
                    *self.bars, self.ax_probs.spines["bottom"], self.prob_text])
        fig.canvas.mpl_connect("button_press_event", self.guard(self._on_click_figure))

        self.readout = readout_line(margin="2px 0 0 0")
        self.key = ipw.HTML(
            "<div style='color:#444;font-size:12px;line-height:1.35'>Orange frame: the image shown large "
            "(in the matrix: its cell, true row and predicted column). Bars: the predicted digit filled "
            f"(<span style='color:{RIGHT}'>blue</span> if right, <span style='color:{WRONG}'>vermillion</span> "
            "if wrong), the true digit outlined in black.</div>")

    def _show_page(self, page):
        """Fill the grid with page ``page`` (1-based) of the misclassified images."""
        self.page = page
        self.page_image.set_data(self._page_pixels(page))
        if hasattr(self, "index"):
            self._mark_selected_thumb()

    def _fill_page(self, page):
        """Put page ``page`` into the off-screen page's artists (``thumbs``); no drawing."""
        for slot, (tax, image, title) in enumerate(self.thumbs):
            i = int(self._slots[page - 1, slot])
            shown = i >= 0
            self._thumb_index[slot] = i if shown else None
            image.set_data(self._images[i] if shown else self._blank)
            title.set_text(self._captions[i] if shown else "")
            for artist in (tax, image, title):
                artist.set_visible(shown)

    def _page_pixels(self, page):
        """The picture of page ``page``: (h, w, 4) uint8 RGBA, drawn on its first visit, then kept."""
        self._fill_page(page)
        if page not in self._page_cache:
            canvas = self.thumbs[0][0].figure.canvas
            canvas.draw()
            self._page_cache[page] = np.asarray(canvas.buffer_rgba()).copy()
        return self._page_cache[page]

    def _show_index(self, index):
        """Draw test image ``index`` large, with its ten probabilities."""
        self.index = index
        r = self.compute({"page": self.page, "index": index})
        true, pred, probs = r["true"], r["predicted"], r["probs"]
        color = RIGHT if r["right"] else WRONG
        self.big_image.set_data(self._images[index])
        self.big_title.set_text(f"test image #{index}: true {true}\n"
                                f"predicted {pred} ({'right' if r['right'] else 'wrong'})")
        self.big_title.set_color(color)
        for digit, bar in enumerate(self.bars):
            bar.set_height(probs[digit])
            bar.set_facecolor(color if digit == pred else BAR)
            bar.set_linewidth(2.0 if digit == true else 0.6)
            bar.set_edgecolor("#111" if digit == true else "#555")
        self.prob_text.set_position((pred, probs[pred] + 0.02))
        self.prob_text.set_text(f"{probs[pred]:.2f}")
        self.confusion_marker.set_xy((pred - 0.5, true - 0.5))
        self._mark_selected_thumb()

    def _mark_selected_thumb(self):
        """A thick orange frame around the small image that is shown large, if it is on this page."""
        for slot, frame in enumerate(self.thumb_frames):
            frame.set_visible(self._thumb_index[slot] == self.index)

    def _describe(self, r):
        """The figure's state in words (the readout a screen reader says)."""
        p = r["probs"][r["predicted"]]
        verdict = "right" if r["right"] else f"wrong, the true digit gets {r['probs'][r['true']]:.2f}"
        line = (f"Test image #{r['index']}: true {r['true']}, predicted {r['predicted']} with probability "
                f"{p:.2f} ({verdict}). ")
        n = len(self.misclassified)
        if n == 0:
            return line + "No misclassified test images."
        shown = ", ".join(f"#{i} {self.y_test[i]}\u2192{self.predicted[i]}" for i in r["slots"] if i >= 0)
        return line + f"Misclassified, page {r['page']} of {self.n_pages} ({n} in all): {shown}."

    # ---- controls -----------------------------------------------------------------------
    def _build_controls(self):
        c, init = self.controls, self._initial
        c["page"] = ipw.IntSlider(value=init["page"], min=1, max=self.n_pages, description="page",
                                  continuous_update=True, disabled=len(self.misclassified) <= PER_PAGE,
                                  layout=ipw.Layout(width="260px"))
        c["index"] = ipw.IntSlider(value=init["index"], min=0, max=len(self.y_test) - 1, description="index",
                                   continuous_update=True, layout=ipw.Layout(width="420px"))
        c["reset"] = ipw.Button(description="reset", icon="undo", tooltip="first page and image again",
                                layout=ipw.Layout(width="90px"))
        update = self.throttled(self._on_change)
        c["page"].observe(update, "value")
        c["index"].observe(update, "value")
        c["reset"].on_click(self.guard(self.reset))
        wrap = ipw.Layout(flex_flow="row wrap", align_items="center")    # wraps on a narrow page
        self.ui = ipw.VBox([ipw.HBox([c["page"], c["index"], c["reset"]], layout=wrap),
                            figure_widget(self.fig), self.readout, self.key, self.status])

    def _update(self):
        s = self.state()
        self.result = r = self.compute(s)
        self._show_page(r["page"])
        self._show_index(r["index"])
        self.readout.value = (f"<div style='color:#222;font-size:13px;line-height:1.35'>"
                              f"{html.escape(self._describe(r))}</div>")
        self.status.value = ""                      # a good update clears an old error
        self.redraw()

    def _on_reset(self, _=None):
        """Back to the first page and image given (the reset button)."""
        self.reset()

    def _on_click_figure(self, event):
        """A click on a misclassified image selects it for the large view."""
        for slot, tax in enumerate(self.thumb_axes):
            if event.inaxes is tax and self._thumb_index[slot] is not None:
                self.controls["index"].value = self._thumb_index[slot]
                return

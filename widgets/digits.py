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

Every number comes from ``model.predict``; the view only counts and draws.
"""
import ipywidgets as ipw
import numpy as np
from matplotlib.patches import Rectangle

from backprop import Dense, Sequential, datasets
from backprop.validation import check_int, describe

from .app import App, figure_widget, make_figure

TEST_FRACTION = 0.25
GRID_ROWS, GRID_COLS = 3, 4
PER_PAGE = GRID_ROWS * GRID_COLS
RIGHT, WRONG, BAR = "#1a9850", "#d73027", "#9ecae1"


def train_digits_model(X_train, y_train, seed=0, epochs=30):
    """The default model: 64 pixels -> Dense 64 relu -> Dense 10 softmax, Adam, fitted.

    X_train: (N, 64) pixels in [0, 1]; y_train: (N,) int labels 0..9.
    """
    model = Sequential([Dense(64, activation="relu", input_shape=(64,)),
                        Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model


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
    ``accuracy``, ``misclassified`` (test indices, ascending).
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
        self._index0 = check_int(index, "index", low=0, high=len(self.y_test) - 1)
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
        self._page0 = page

        self._build_view()
        self._build_controls()
        self._show_page(self._page0)
        self._show_index(self._index0)

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

    # ---- view ---------------------------------------------------------------------------
    def _build_view(self):
        self.fig = fig = make_figure((11.5, 5.0))
        # left: confusion matrix
        ax = self.ax_confusion = fig.add_axes((0.045, 0.12, 0.3, 0.3 * 11.5 / 5.0))   # square
        self.confusion_image = ax.imshow(self.confusion, cmap="Blues", vmin=0,
                                         vmax=max(1, self.confusion.max()))
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("predicted digit")
        ax.set_ylabel("true digit")
        ax.tick_params(labelsize=8, length=0)
        threshold = self.confusion.max() / 2
        self.confusion_texts = [[ax.text(j, i, str(self.confusion[i, j]) if self.confusion[i, j] else "",
                                         ha="center", va="center", fontsize=7.5,
                                         color="white" if self.confusion[i, j] > threshold else
                                         (WRONG if i != j else "#222"))
                                 for j in range(10)] for i in range(10)]
        correct = int(np.sum(self.predicted == self.y_test))
        ax.set_title(f"test accuracy {100 * self.accuracy:.1f}%  ({correct} of {len(self.y_test)})",
                     fontsize=10, weight="bold")
        # the cell of the image shown large
        self.confusion_marker = ax.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="#ff7f00",
                                                       linewidth=2.2, zorder=5))

        # middle: a page of misclassified images
        self.page_title = fig.text(0.54, 0.975, "", ha="center", va="top", fontsize=10, weight="bold")
        self.thumbs = []
        left, width, top, height = 0.38, 0.33, 0.88, 0.8
        cw, ch = width / GRID_COLS, height / GRID_ROWS
        for r in range(GRID_ROWS):
            for c in range(GRID_COLS):
                tax = fig.add_axes((left + c * cw + 0.1 * cw, top - (r + 1) * ch + 0.04 * ch,
                                    0.8 * cw, 0.8 * cw * 11.5 / 5.0))
                tax.set_xticks([])
                tax.set_yticks([])
                image = tax.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
                title = tax.set_title("", fontsize=7.5, color=WRONG, pad=2)
                self.thumbs.append((tax, image, title))
        self._thumb_index = [None] * PER_PAGE     # test index shown in each slot
        self.grid_note = fig.text(0.54, 0.025, "click an image to see it large", ha="center", fontsize=8,
                                  color="#555")

        # right: one image large, and its probabilities
        self.ax_image = fig.add_axes((0.79, 0.5, 0.15, 0.15 * 11.5 / 5.0))
        self.ax_image.set_xticks([])
        self.ax_image.set_yticks([])
        self.big_image = self.ax_image.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
        self.big_title = self.ax_image.set_title("", fontsize=9.5, weight="bold")
        self.ax_probs = fig.add_axes((0.76, 0.1, 0.225, 0.26))
        self.bars = self.ax_probs.bar(range(10), np.zeros(10), color=BAR, edgecolor="#555", linewidth=0.6)
        self.ax_probs.set_ylim(0, 1.12)
        self.ax_probs.set_xticks(range(10))
        self.ax_probs.set_yticks([0, 0.5, 1])
        self.ax_probs.tick_params(labelsize=8)
        self.ax_probs.set_xlabel("digit", fontsize=8.5)
        self.ax_probs.set_ylabel("probability", fontsize=8.5)
        self.ax_probs.spines[["top", "right"]].set_visible(False)
        self.ax_probs.set_title("model.predict (outlined: the true digit)", fontsize=8.5)
        self.prob_text = self.ax_probs.text(0, 0, "", ha="center", va="bottom", fontsize=8)
        fig.canvas.mpl_connect("button_press_event", self.guard(self._on_click_figure))

    def _show_page(self, page):
        """Fill the grid with page ``page`` (1-based) of the misclassified images."""
        self.page = page
        chosen = self.misclassified[(page - 1) * PER_PAGE: page * PER_PAGE]
        for slot, (tax, image, title) in enumerate(self.thumbs):
            if slot < len(chosen):
                i = chosen[slot]
                image.set_data(self.X_test[i].reshape(8, 8))
                title.set_text(f"#{i}\n{self.y_test[i]} \u2192 {self.predicted[i]} "
                               f"({self.probs[i, self.predicted[i]]:.2f})")
                self._thumb_index[slot] = int(i)
                tax.set_visible(True)
            else:
                self._thumb_index[slot] = None
                tax.set_visible(False)
        if hasattr(self, "index"):
            self._mark_selected_thumb()
        n = len(self.misclassified)
        if n == 0:
            self.page_title.set_text("no misclassified test images")
        else:
            self.page_title.set_text(f"misclassified: true \u2192 predicted (probability)\n"
                                     f"page {page} of {self.n_pages}, {n} images in all")

    def _show_index(self, index):
        """Draw test image ``index`` large, with its ten probabilities."""
        self.index = index
        true, pred = int(self.y_test[index]), int(self.predicted[index])
        probs = self.probs[index]
        self.big_image.set_data(self.X_test[index].reshape(8, 8))
        verdict = "right" if pred == true else "wrong"
        self.big_title.set_text(f"test image #{index}: true {true}\npredicted {pred} ({verdict})")
        self.big_title.set_color(RIGHT if pred == true else WRONG)
        for digit, bar in enumerate(self.bars):
            bar.set_height(probs[digit])
            bar.set_facecolor((RIGHT if pred == true else WRONG) if digit == pred else BAR)
            bar.set_linewidth(2.0 if digit == true else 0.6)
            bar.set_edgecolor("#111" if digit == true else "#555")
        self.prob_text.set_position((pred, probs[pred] + 0.01))
        self.prob_text.set_text(f"{probs[pred]:.2f}")
        self.confusion_marker.set_xy((pred - 0.5, true - 0.5))
        self._mark_selected_thumb()

    def _mark_selected_thumb(self):
        """An orange frame around the small image that is shown large, if it is on this page."""
        for slot, (tax, _, _) in enumerate(self.thumbs):
            chosen = self._thumb_index[slot] == self.index
            for spine in tax.spines.values():
                spine.set_edgecolor("#ff7f00" if chosen else "black")
                spine.set_linewidth(2.5 if chosen else 0.8)

    # ---- controls -----------------------------------------------------------------------
    def _build_controls(self):
        c = self.controls
        c["page"] = ipw.IntSlider(value=self._page0, min=1, max=self.n_pages, description="page",
                                  continuous_update=True, disabled=len(self.misclassified) <= PER_PAGE)
        c["index"] = ipw.IntSlider(value=self._index0, min=0, max=len(self.y_test) - 1, description="index",
                                   continuous_update=True, layout=ipw.Layout(width="420px"))
        c["reset"] = ipw.Button(description="reset", tooltip="first page and image again",
                                layout=ipw.Layout(width="90px"))
        c["page"].observe(self.throttled(self._on_page), "value")
        c["index"].observe(self.throttled(self._on_index), "value")
        c["reset"].on_click(self.guard(self._on_reset))
        self.ui = ipw.VBox([ipw.HBox([c["page"], c["index"], c["reset"]]), figure_widget(self.fig),
                            self.status])

    def _on_page(self, *_):
        self._show_page(self.controls["page"].value)
        self.redraw()

    def _on_index(self, *_):
        self._show_index(self.controls["index"].value)
        self.redraw()

    def _on_reset(self, _=None):
        self.controls["page"].value = self._page0
        self.controls["index"].value = self._index0
        self._show_page(self._page0)       # also when the values had not changed
        self._show_index(self._index0)
        self.status.value = ""
        self.redraw()

    def _on_click_figure(self, event):
        """A click on a misclassified image selects it for the large view."""
        for slot, (tax, _, _) in enumerate(self.thumbs):
            if event.inaxes is tax and self._thumb_index[slot] is not None:
                self.controls["index"].value = self._thumb_index[slot]
                return

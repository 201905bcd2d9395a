"""Weight penalties (Keras's L1, L2, L1L2) and their gradients.

A regularizer adds ``penalty(W)`` to the loss, and so ``gradient(W)`` to dL/dW:
- L1: l1 * sum|W|,   gradient l1 * sign(W)   (pushes weights to exactly zero)
- L2: l2 * sum W^2,  gradient 2 * l2 * W     (shrinks every weight a little)
As in Keras there is no factor 1/2 in L2.
"""
import numpy as np

from .validation import check_choice, check_number


class Regularizer:
    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = check_number(l1, "l1", low=0)
        self.l2 = check_number(l2, "l2", low=0)

    def penalty(self, W):
        """The number added to the loss."""
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(W).sum())
        if self.l2:
            total += self.l2 * float((W * W).sum())
        return total

    def gradient(self, W):
        """d(penalty)/dW, shape of W."""
        grad = np.zeros_like(W)
        if self.l1:
            grad += self.l1 * np.sign(W)
        if self.l2:
            grad += 2.0 * self.l2 * W
        return grad

    __call__ = penalty

    def __repr__(self):
        return f"{type(self).__name__}(l1={self.l1:g}, l2={self.l2:g})"


class L1(Regularizer):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(Regularizer):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        super().__init__(l1=l1, l2=l2)


_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": L1L2}
NAMES = tuple(_BY_NAME)


def get(regularizer):
    """A Regularizer from a Keras name ("l1", "l2", "l1_l2"), an object, or None."""
    if regularizer is None or isinstance(regularizer, Regularizer):
        return regularizer
    return _BY_NAME[check_choice(regularizer, "regularizer", NAMES)]()

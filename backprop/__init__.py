"""Backprop Lab's engine: backpropagation in numpy, small enough to read.

- ``Value``: scalar autograd, the chain rule one number at a time (scalar.py)
- layers with forward/backward (layers.py; convolution and pooling math in conv.py; SimpleRNN
  in recurrent.py, SelfAttention in attention.py), activations, losses, optimizers and their
  learning-rate schedules,
  regularizers, initializers, and a Keras-shaped ``Sequential`` (model.py)
- ``gradcheck``: numerical gradients to verify any backward pass
- ``datasets``: toy 2-D sets, the examples of the articles the course started from, and 8x8 digits
- ``checks``: instant feedback for the course's exercises
"""
from . import (activations, callbacks, conv, gradcheck, graph, initializers, layers, losses, metrics,
               optimizers, regularizers, schedules)
from .callbacks import EarlyStopping, History
from .layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                     MaxPooling2D)
from .attention import SelfAttention
from .model import DivergenceWarning, Sequential
from .recurrent import SimpleRNN
from .scalar import Value
from .seeding import set_random_seed

__version__ = "0.1.0"

__all__ = ["Value", "Sequential", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten",
           "SimpleRNN", "SelfAttention",
           "Activation", "Dropout", "BatchNormalization",
           "History", "EarlyStopping", "set_random_seed", "DivergenceWarning", "activations", "callbacks", "conv", "gradcheck",
           "graph", "initializers", "layers", "losses", "metrics", "optimizers", "regularizers", "schedules"]


def _seal():
    """Keep ``backprop.checks`` (and every name here) from being replaced by a notebook cell.

    Importing a submodule still works: Python's import system sets ``backprop.X``
    to the module ``backprop.X`` it has just put in ``sys.modules``, the one kind of
    assignment allowed (a look-alike module merely named "backprop.X" is refused).
    """
    import sys
    import types

    class _Package(types.ModuleType):
        def __setattr__(self, name, value):
            if isinstance(value, types.ModuleType) and value is sys.modules.get(f"{self.__name__}.{name}"):
                return super().__setattr__(name, value)
            raise AttributeError(f"{self.__name__} cannot be changed from a notebook (tried to set {name})")

        def __delattr__(self, name):
            raise AttributeError(f"{self.__name__} cannot be changed from a notebook (tried to delete {name})")

    sys.modules[__name__].__class__ = _Package


_seal()
del _seal

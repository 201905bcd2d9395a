"""Backprop Lab's apps: ipywidgets controls with live Matplotlib views, built on ``backprop``.

Each app is built in one call, shows itself when it is a cell's last value, and has
the same small surface: ``app.fig`` (its figure), ``app.ui`` (the box a notebook
shows) and ``app.controls`` (its controls by name).
"""
from .conv_explorer import ConvExplorer
from .digits import DigitsViewer
from .gradient_flow import GradientFlow
from .learning_rate import LearningRateExplorer
from .loss_explorer import LossExplorer
from .neuron import NeuronExplorer
from .optimizer_explorer import OptimizerExplorer
from .playground import Playground
from .regularization import RegularizationExplorer
from .stepper import BackpropStepper
from .time_unroller import TimeUnroller

__all__ = ["NeuronExplorer", "LossExplorer", "BackpropStepper", "LearningRateExplorer",
           "OptimizerExplorer", "Playground", "GradientFlow", "RegularizationExplorer", "DigitsViewer",
           "ConvExplorer", "TimeUnroller"]

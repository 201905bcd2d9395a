"""A recurrent layer and backpropagation through time.

Sequences are (N, T, D) as in Keras: N sequences of T steps of D features. ``SimpleRNN``
keeps a state h of U numbers and updates it at every step with the same weights:

    z_t = x_t W + h_{t-1} U + b          W: (D, U) kernel, U: (U, U) recurrent kernel, b: (U,)
    h_t = f(z_t)                         h_0 = 0, f = tanh by default

Backward, through time: the state h_t feeds the output at t (if return_sequences) and the
next step, so its gradient adds both, and the weights' gradients add every step's share
(the same weights at every step, as a Value used many times, or a convolution's kernel):

    dh_t = dout_t + dz_{t+1} U^T         dz_t = dh_t * f'(z_t)
    dW = sum_t x_t^T dz_t,  dU = sum_t h_{t-1}^T dz_t,  db = sum_t sum_n dz_t,  dx_t = dz_t W^T

Carried back over k steps, the gradient is multiplied by k Jacobians diag(f'(z)) U^T: it
shrinks or grows geometrically with k, the vanishing and exploding of lesson 11 through time.
"""
import numpy as np

from . import initializers, regularizers
from .layers import KernelLayer
from .validation import check_int, describe


class SimpleRNN(KernelLayer):
    """A fully connected recurrent layer, Keras's SimpleRNN: (N, T, D) -> (N, U) or (N, T, U).

    Weights as in Keras, in Keras's order: kernel W (D, U), recurrent kernel U (U, U), bias b (U,)
    (params "W", "U", "b"). return_sequences: output every h_t (N, T, U), else only the last h_T
    (N, U). bptt_steps (not in Keras): truncated backpropagation through time as PyTorch users
    do it by detaching the state every k steps: the sequence is cut into chunks of bptt_steps
    steps and no gradient crosses from a chunk to the one before it (the forward pass is
    unchanged). After a backward pass, ``step_grad_norms`` (T,) holds the norm of dL/dh_t at
    every step: how much of the loss's gradient reached step t.
    """

    kind = "simple_rnn"
    input_rank, expects = 2, "(N, T, D)"

    def __init__(self, units, activation="tanh", use_bias=True, return_sequences=False,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, bptt_steps=None, input_shape=None, name=None, seed=None):
        self.units = check_int(units, "units", low=1)
        if not isinstance(return_sequences, bool):
            raise TypeError(f"return_sequences must be True or False, got {describe(return_sequences)}")
        self.return_sequences = return_sequences
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bptt_steps = None if bptt_steps is None else check_int(bptt_steps, "bptt_steps", low=1)
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, input_shape=input_shape, name=name, seed=seed)
        self.step_grad_norms = None

    def _build(self, shape, rng):
        T, D = shape
        self.params["W"] = self.kernel_initializer((D, self.units), rng, self.dtype)
        self.params["U"] = self.recurrent_initializer((self.units, self.units), rng, self.dtype)
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.units,), rng, self.dtype)
        return (T, self.units) if self.return_sequences else (self.units,)

    @property
    def recurrent_kernel(self):
        return self.params["U"]

    def forward(self, x, training=False):
        """x: (N, T, D) -> (N, T, U) if return_sequences else (N, U)."""
        x = self._check_input(x)
        N, T, _ = x.shape
        W, U = self.params["W"], self.params["U"]
        xW = x @ W                                   # every step's input term at once (N, T, U)
        if self.use_bias:
            xW += self.params["b"]
        z = np.empty_like(xW)
        h = np.empty((N, T + 1, self.units), dtype=self.dtype)   # h[:, 0] = h_0 = 0, h[:, t+1] = h_t
        h[:, 0] = 0.0
        for t in range(T):
            z[:, t] = xW[:, t] + h[:, t] @ U                     # z_t = x_t W + h_{t-1} U + b
            h[:, t + 1] = self.activation.forward(z[:, t])       # h_t = f(z_t)
        self._cache = (x, z, h)
        return h[:, 1:].copy() if self.return_sequences else h[:, T].copy()

    def backward(self, dout, need_dx=True):
        """dout: the output's shape -> dx: (N, T, D); fills grads["W"], grads["U"], grads["b"]
        and step_grad_norms (T,)."""
        x, z, h = self._cached()
        N, T, _ = x.shape
        dout = self._check_dout(dout, (N, T, self.units) if self.return_sequences else (N, self.units))
        dH = dout if self.return_sequences else np.zeros((N, T, self.units), self.dtype)
        if not self.return_sequences:
            dH[:, -1] = dout                                     # only h_T reaches the output
        U = self.params["U"]
        dz = np.empty_like(z)
        norms = np.empty(T)
        carried = np.zeros((N, self.units), self.dtype)          # dL/dh_t through h_{t+1}
        for t in reversed(range(T)):
            dh = dH[:, t] + carried                              # dh_t = dout_t + dz_{t+1} U^T
            norms[t] = np.sqrt(np.sum(dh * dh))
            dz[:, t] = self.activation.backward(z[:, t], h[:, t + 1], dh)    # dz_t = dh_t * f'(z_t)
            cut = self.bptt_steps is not None and t % self.bptt_steps == 0
            carried = np.zeros_like(carried) if cut else dz[:, t] @ U.T
        self.step_grad_norms = norms
        # the weights' gradients: every step's share added up, as one product over all (n, t)
        D = x.shape[2]
        flat_dz = dz.reshape(-1, self.units)
        self.grads["W"][...] = x.reshape(-1, D).T @ flat_dz                       # sum_t x_t^T dz_t
        self.grads["U"][...] = h[:, :-1].reshape(-1, self.units).T @ flat_dz     # sum_t h_{t-1}^T dz_t
        if self.use_bias:
            self.grads["b"][...] = flat_dz.sum(axis=0)
        self._add_regularizer_gradients()
        if self.recurrent_regularizer is not None:
            self.grads["U"] += self.recurrent_regularizer.gradient(U)
        return dz @ self.params["W"].T if need_dx else None                      # dx_t = dz_t W^T

    def penalty(self):
        total = super().penalty()
        if self.recurrent_regularizer is not None:
            total += self.recurrent_regularizer.penalty(self.params["U"])
        return total

    def __repr__(self):
        return (f"SimpleRNN({self.units}, activation={self.activation.name!r}, "
                f"return_sequences={self.return_sequences}, name={self.name!r})")

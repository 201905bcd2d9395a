"""Single-head scaled dot-product self-attention, forward and backward written out.

Sequences are (N, T, D). Each step t asks a query q_t, offers a key k_t and a value v_t,
all linear in its input; its output is the average of the values, weighted by how well
its query matches each key:

    Q = x Wq,  K = x Wk,  V = x Wv                  (N, T, d), Wq, Wk, Wv: (D, d)
    S = Q K^T / sqrt(d)                             (N, T, T): S[n, t, s], query t, key s
    A = softmax(S) over s (masked entries -inf)     each row of A sums to 1
    out = A V                                       (N, T, d)

Backward, with G = dL/dout (N, T, d):

    dV = A^T G                 dA = G V^T
    dS = A * (dA - rowsum(dA * A))      the softmax's Jacobian diag(a) - a a^T, row by row
    dQ = dS K / sqrt(d)        dK = dS^T Q / sqrt(d)
    dWq = sum_n x^T dQ,  dWk = sum_n x^T dK,  dWv = sum_n x^T dV
    dx = dQ Wq^T + dK Wk^T + dV Wv^T          (x feeds all three)

Every step reaches every other through A in one hop: the gradient from the output at
step T reaches step 1 through one softmax, where a recurrent layer multiplies T Jacobians.
"""
import numpy as np

from . import initializers
from .layers import Layer
from .validation import check_int, describe


class SelfAttention(Layer):
    """Single-head scaled dot-product self-attention: (N, T, D) -> (N, T, units).

    units: d, the size of queries, keys and values (default: D, the input's features).
    causal: step t attends only to steps s <= t (a language model must not read ahead).
    Params "Wq", "Wk", "Wv", each (D, d); no biases. ``forward(x, mask=...)`` takes a
    boolean mask (T, T) or (N, T, T), True where query t may look at key s, combined with
    the causal mask; every query must keep at least one key. After forward, ``attention``
    holds A (N, T, T).
    """

    kind = "self_attention"
    input_rank, expects = 2, "(N, T, D)"

    def __init__(self, units=None, causal=False, kernel_initializer="glorot_uniform", input_shape=None,
                 name=None, seed=None):
        super().__init__(input_shape=input_shape, name=name, seed=seed)
        self.units = None if units is None else check_int(units, "units", low=1)
        if not isinstance(causal, bool):
            raise TypeError(f"causal must be True or False, got {describe(causal)}")
        self.causal = causal
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.attention = None

    def _build(self, shape, rng):
        T, D = shape
        d = self.units or D
        for key in ("Wq", "Wk", "Wv"):
            self.params[key] = self.kernel_initializer((D, d), rng, self.dtype)
        return (T, d)

    def _allowed(self, mask, N, T):
        """Which keys each query may use, (N or 1, T, T) booleans, or None for all."""
        allowed = np.tril(np.ones((T, T), dtype=bool))[None] if self.causal else None
        if mask is not None:
            mask = np.asarray(mask)
            if mask.dtype != bool or mask.shape not in ((T, T), (N, T, T)):
                raise ValueError(f"mask must be booleans of shape ({T}, {T}) or ({N}, {T}, {T}) "
                                 f"(True where query t may attend to key s), got {describe(mask)}")
            mask = mask.reshape(-1, T, T)
            allowed = mask if allowed is None else allowed & mask
        if allowed is not None and not allowed.any(axis=-1).all():
            raise ValueError("mask leaves a query with no key to attend to: every row of the "
                             "mask (with the causal mask, if any) needs at least one True")
        return allowed

    def forward(self, x, training=False, mask=None):
        """x: (N, T, D) -> out: (N, T, d); mask: see the class docstring."""
        x = self._check_input(x)
        N, T, _ = x.shape
        allowed = self._allowed(mask, N, T)
        Q, K, V = (x @ self.params[k] for k in ("Wq", "Wk", "Wv"))
        scale = 1.0 / np.sqrt(Q.shape[-1])
        S = Q @ K.transpose(0, 2, 1) * scale                     # (N, T, T)
        if allowed is not None:
            S = np.where(allowed, S, -np.inf)
        S = S - S.max(axis=-1, keepdims=True)                    # softmax, shifted: no overflow
        A = np.exp(S)
        A /= A.sum(axis=-1, keepdims=True)
        self.attention = A
        self._cache = (x, Q, K, V, A, scale)
        return A @ V

    def backward(self, dout, need_dx=True):
        """dout: (N, T, d) -> dx: (N, T, D); fills grads["Wq"], grads["Wk"], grads["Wv"] (D, d)."""
        x, Q, K, V, A, scale = self._cached()
        G = self._check_dout(dout, V.shape)
        dV = A.transpose(0, 2, 1) @ G                            # dV = A^T G
        dA = G @ V.transpose(0, 2, 1)                            # dA = G V^T
        dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))     # softmax backward, row by row
        dQ = dS @ K * scale
        dK = dS.transpose(0, 2, 1) @ Q * scale
        D = x.shape[-1]
        flat_x = x.reshape(-1, D)
        for key, d in (("Wq", dQ), ("Wk", dK), ("Wv", dV)):
            self.grads[key][...] = flat_x.T @ d.reshape(-1, d.shape[-1])    # summed over n and t
        if not need_dx:
            return None
        return dQ @ self.params["Wq"].T + dK @ self.params["Wk"].T + dV @ self.params["Wv"].T

    def __repr__(self):
        return f"SelfAttention(units={self.units}, causal={self.causal}, name={self.name!r})"

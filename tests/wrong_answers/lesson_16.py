"""Wrong answers learners write in lesson 16 (attention and its backward pass), and what the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    # ------------------------------------------------------------------ softmax_rows_backward
    ("softmax_rows_backward", "the diagonal of the Jacobian only (the sigmoid's rule)", '''
def softmax_rows_backward(A, dA):
    return dA * A * (1 - A)
''', "only the diagonal of the Jacobian"),
    ("softmax_rows_backward", "the row sums taken down the columns", '''
def softmax_rows_backward(A, dA):
    return A * (dA - (dA * A).sum(axis=0, keepdims=True))
''', "sum runs down the columns"),
    ("softmax_rows_backward", "the row sums without keepdims", '''
def softmax_rows_backward(A, dA):
    return A * (dA - (dA * A).sum(axis=-1))
''', "keepdims=True"),
    ("softmax_rows_backward", "the leading A forgotten", '''
def softmax_rows_backward(A, dA):
    return dA - np.sum(dA * A, axis=-1, keepdims=True)
''', "leading A is missing"),
    ("softmax_rows_backward", "the row sum of dA, not of dA * A", '''
def softmax_rows_backward(A, dA):
    return A * (dA - dA.sum(axis=-1, keepdims=True))
''', "the row sum is of dA alone"),
    ("softmax_rows_backward", "one sum over the whole array", '''
def softmax_rows_backward(A, dA):
    return A * (dA - np.sum(dA * A))
''', "summed over the whole array"),
    ("softmax_rows_backward", "the subtraction the wrong way round", '''
def softmax_rows_backward(A, dA):
    return A * ((dA * A).sum(axis=-1, keepdims=True) - dA)
''', "sign flipped"),
    ("softmax_rows_backward", "the full Jacobian for a single row only (a 2-D A taken as one row)", '''
def softmax_rows_backward(A, dA):
    a, da = A.reshape(-1), dA.reshape(-1)
    J = np.diag(a) - np.outer(a, a)
    return (J @ da).reshape(A.shape)
''', "summed over the whole array"),
    # ------------------------------------------------------------------ attention_backward
    ("attention_backward", "no 1/sqrt(d) on dQ and dK", '''
def attention_backward(Q, K, V, G, causal=False):
    _, A = attention_forward(Q, K, V, causal)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K, dS.swapaxes(-1, -2) @ Q, dV
''', "sqrt(d) times too large"),
    ("attention_backward", "dK without the transpose of dS", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS @ Q / np.sqrt(d), dV
''', "dK needs the transpose of dS"),
    ("attention_backward", "dV = A G", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "dV = A^T G"),
    ("attention_backward", "dV = G A", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = G @ A
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "wrong order"),
    ("attention_backward", "dA = V G^T", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A.swapaxes(-1, -2) @ G
    dA = V @ G.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "dA is transposed"),
    ("attention_backward", "the softmax's diagonal only", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = dA * A * (1 - A)
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "only the diagonal of its Jacobian"),
    ("attention_backward", "the causal mask forgotten", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "masked weights are 0"),
    ("attention_backward", "A recomputed without the 1/sqrt(d)", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    S = Q @ K.swapaxes(-1, -2)
    if causal:
        S = np.where(np.tril(np.ones(S.shape[-2:], dtype=bool)), S, -np.inf)
    A = np.exp(S - S.max(axis=-1, keepdims=True))
    A = A / A.sum(axis=-1, keepdims=True)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dV
''', "without dividing the scores by sqrt(d)"),
    ("attention_backward", ".T on a batch", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A.T @ G
    dA = G @ V.T
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d), dS.T @ Q / np.sqrt(d), dV
''', "swapaxes(-1, -2)"),
    ("attention_backward", "the results in the order (dV, dK, dQ)", '''
def attention_backward(Q, K, V, G, causal=False):
    d = Q.shape[-1]
    _, A = attention_forward(Q, K, V, causal)
    dV = A.swapaxes(-1, -2) @ G
    dA = G @ V.swapaxes(-1, -2)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dV, dS.swapaxes(-1, -2) @ Q / np.sqrt(d), dS @ K / np.sqrt(d)
''', "(dQ, dK, dV)"),
]

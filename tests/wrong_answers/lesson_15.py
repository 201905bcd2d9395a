"""Wrong answers learners write in lesson 15 (recurrent networks, backpropagation through time), and what
the check must say.

Each entry: (exercise, the mistake, the wrong answer cell, a phrase the message must contain).
"""
WRONG_ANSWERS = [
    # ------------------------------------------------------------------ rnn_step_backward
    ("rnn_step_backward", "tanh's slope forgotten", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W.T, dz @ U.T
''', "slope is missing"),
    ("rnn_step_backward", "tanh applied to h again", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - np.tanh(h) ** 2)
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W.T, dz @ U.T
''', "applied to h once more"),
    ("rnn_step_backward", "dU from the new state h instead of h_prev", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h.T @ dz, dz.sum(axis=0), dz @ W.T, dz @ U.T
''', "the state the step read"),
    ("rnn_step_backward", "dh_prev without U's transpose", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W.T, dz @ U
''', "dh_prev = dz @ U is missing a transpose"),
    ("rnn_step_backward", "dx without W's transpose", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W, dz @ U.T
''', "dx = dz @ W is missing a transpose"),
    ("rnn_step_backward", "dh_prev straight from dh, skipping the tanh", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W.T, dh @ U.T
''', "dh_prev skips tanh's slope"),
    ("rnn_step_backward", "db not summed over the batch", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h_prev.T @ dz, dz, dz @ W.T, dz @ U.T
''', "one row per sequence"),
    ("rnn_step_backward", "db averaged over the batch", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (1 - h ** 2)
    return x.T @ dz, h_prev.T @ dz, dz.mean(axis=0), dz @ W.T, dz @ U.T
''', "a mean where a sum is expected"),
    ("rnn_step_backward", "the slope's sign flipped", '''
def rnn_step_backward(dh, x, h_prev, h, W, U):
    dz = dh * (h ** 2 - 1)
    return x.T @ dz, h_prev.T @ dz, dz.sum(axis=0), dz @ W.T, dz @ U.T
''', "sign flipped"),
    # ------------------------------------------------------------------ rnn_backward
    ("rnn_backward", "the carried gradient forgotten", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros_like(h[:, 0])
        dz = dout[:, t] * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h_prev.T @ dz
        db += dz.sum(axis=0)
        dx[:, t] = dz @ W.T
    return dW, dU, db, dx
''', "only the last step's gradient went back"),
    ("rnn_backward", "the loop runs forward in time", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    carried = np.zeros((N, U.shape[0]))
    for t in range(T):
        h_prev = h[:, t - 1] if t > 0 else np.zeros_like(h[:, 0])
        dz = (dout[:, t] + carried) * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h_prev.T @ dz
        db += dz.sum(axis=0)
        dx[:, t] = dz @ W.T
        carried = dz @ U.T
    return dW, dU, db, dx
''', "from the last step down to the first"),
    ("rnn_backward", "weights' gradients assigned, not added, via the step function", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dx = np.zeros_like(x)
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros((N, U.shape[0]))
        dW, dU, db, dx[:, t], carried = rnn_step_backward(dout[:, t] + carried, x[:, t], h_prev, h[:, t], W, U)
    return dW, dU, db, dx
''', "assigned (=) in the loop"),
    ("rnn_backward", "dU paired with the state the step made", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        dz = (dout[:, t] + carried) * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h[:, t].T @ dz
        db += dz.sum(axis=0)
        dx[:, t] = dz @ W.T
        carried = dz @ U.T
    return dW, dU, db, dx
''', "the state the step read"),
    ("rnn_backward", "dx gathered in a list, in the loop's order", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0])
    dxs = []
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros_like(h[:, 0])
        dz = (dout[:, t] + carried) * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h_prev.T @ dz
        db += dz.sum(axis=0)
        dxs.append(dz @ W.T)
        carried = dz @ U.T
    return dW, dU, db, np.stack(dxs, axis=1)
''', "dx runs backward in time"),
    ("rnn_backward", "db added without summing over the sequences", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, dx = np.zeros_like(W), np.zeros_like(U), np.zeros_like(x)
    db = 0
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros_like(h[:, 0])
        dz = (dout[:, t] + carried) * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h_prev.T @ dz
        db = db + dz
        dx[:, t] = dz @ W.T
        carried = dz @ U.T
    return dW, dU, db, dx
''', "one row per sequence"),
    ("rnn_backward", "db kept per step", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, dx = np.zeros_like(W), np.zeros_like(U), np.zeros_like(x)
    db = np.zeros((T, U.shape[0]))
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros_like(h[:, 0])
        dz = (dout[:, t] + carried) * (1 - h[:, t] ** 2)
        dW += x[:, t].T @ dz
        dU += h_prev.T @ dz
        db[t] = dz.sum(axis=0)
        dx[:, t] = dz @ W.T
        carried = dz @ U.T
    return dW, dU, db, dx
''', "one row per step"),
    ("rnn_backward", "calls exercise 1's reference", '''
def rnn_backward(dout, x, h, W, U):
    N, T, D = x.shape
    dW, dU, db, dx = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0]), np.zeros_like(x)
    carried = np.zeros((N, U.shape[0]))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else np.zeros((N, U.shape[0]))
        gW, gU, gb, dx[:, t], carried = rnn_step_backward_reference(dout[:, t] + carried, x[:, t], h_prev,
                                                                    h[:, t], W, U)
        dW, dU, db = dW + gW, dU + gU, db + gb
    return dW, dU, db, dx
''', "asks you to write it yourself"),
]

"""JupyterLab on 127.0.0.1 with throwaway config, and the Chromium that drives it.

Shared by tests/test_browser.py (the browser tests) and benchmarks/browser.py (slider
latency as a learner feels it), so both see the same JupyterLab: throwaway config,
settings, workspaces and runtime folders (nothing reaches the user's ~/.jupyter); no news
fetching (no network here, and no toast over the page); no windowed notebook rendering
(every cell is in the page); the environment's front-end extensions less
LEFT_OUT_EXTENSIONS; kernels started without MPLBACKEND, as a learner's are; the
JupyterLab app exposed to the page (``window.jupyterapp``) and no XSRF check (callers
delete sessions through the REST API).

Chromium is Debian's /usr/bin/chromium; Playwright never downloads a browser here.
(Not named jupyterlab_server: that is one of JupyterLab's own packages.)
"""
import contextlib
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Front-end extensions of the test environment that JupyterLab is not given: the Pyodide
# kernel's is for JupyterLite (tests/test_jupyterlite.py builds the site) and fails to load
# in JupyterLab ("Shared module @jupyterlite/services doesn't exist"), even when disabled.
LEFT_OUT_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension",)
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class ServerError(RuntimeError):
    """JupyterLab did not start."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(folder):
    for name, values in SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def link_extensions(folder):
    """Links in ``folder`` to the environment's front-end extensions, less LEFT_OUT_EXTENSIONS."""
    source = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    for package_json in [*source.glob("*/package.json"), *source.glob("@*/*/package.json")]:
        name = package_json.parent.relative_to(source)
        if name.as_posix() not in LEFT_OUT_EXTENSIONS:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).symlink_to(package_json.parent, target_is_directory=True)


def wait_for_server(url, proc, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError("jupyter lab exited at start-up")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise ServerError(f"jupyter lab did not answer on {url} within {timeout} s")


@contextlib.contextmanager
def jupyterlab(root_dir, scratch):
    """JupyterLab on 127.0.0.1 at a free port serving ``root_dir``, its throwaway folders
    (and server.log) in ``scratch``; yields its URL and stops the server (by its own PID)."""
    scratch = pathlib.Path(scratch)
    write_settings(scratch / "settings")
    link_extensions(scratch / "labextensions")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(JUPYTER_CONFIG_DIR=str(scratch / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(scratch / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"))
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
            "--LabApp.expose_app_in_browser=True", f"--LabApp.labextensions_path={scratch / 'labextensions'}",
            f"--ServerApp.root_dir={root_dir}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    log = open(scratch / "server.log", "w")
    proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, proc)
        yield url
    finally:
        stop(proc)
        log.close()


def stop(proc, timeout=20):
    """End a server process: politely, then for sure."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# In the page: the notebook's kernel has started, is connected and idle. Restarting it before
# then (the toolbar may show "idle" earlier) interrupts its start-up and can break the connection.
KERNEL_READY = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def shut_down_kernels(url):
    """Delete every session (and its kernel) so notebooks do not pile up kernels."""
    with urllib.request.urlopen(f"{url}/api/sessions") as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request).close()

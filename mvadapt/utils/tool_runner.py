"""Run ``python tools/<script>.py ...`` many times without paying for the
imports each time.

A tool run imports torch, MMEngine, MMAction2's registries and OpenCLIP
before it does anything: 4-5 s a process on a 2-core CPU, a fifth of a
small training run. :func:`run_tool` starts a fork server once that imports
them (:data:`PRELOAD`), then forks every run from it. Each run is still its
own process, started as the command line would start it: the script runs
as ``__main__`` with the same arguments, working directory, ``__file__`` and
``sys.path[0]`` (the script's folder; ``sys.argv[0]`` is the script's
absolute path, which argparse shows by its name), its stdout and stderr go
to the log
file, and its exit status is returned. What a fresh Python would have and
the fork server's copy would not is restored before the script runs: the
caller's current environment (the server's is from when it started) and
the PyTorch thread count its ``OMP_NUM_THREADS`` asks for, the
platform's default multiprocessing start method (a forked process would
start its own processes, e.g. data-loader workers, from a fork server too)
and an unseeded NumPy global generator (the server's state would be every
run's: unseeded "random" seeds, such as MMEngine's ``randomness.seed=None``,
would repeat). At the end, as the interpreter does at exit, non-daemon
threads are joined and ``atexit`` handlers run before the process exits.
An interrupted caller (Ctrl-C) does not leave the run behind: as with
``subprocess.run``, it is killed. Where the platform has no fork server
(Windows), or with ``MVADAPT_TOOL_SUBPROCESS=1``, each run is a fresh
``subprocess`` instead; the results are the same.

Still inherited from the server: the string hash seed (``PYTHONHASHSEED``
is the same in every run), environment variables the preloaded modules read
when they were imported, and an empty stdin (multiprocessing's).
"""
import atexit
import multiprocessing
import os
import os.path as osp
import runpy
import signal
import subprocess
import sys
import threading
from typing import Dict, Optional, Sequence

# What every tool imports, loaded once by the fork server (importing only:
# no thread pool or other state is started that a fork could not copy).
# mvadapt first: its compat makes MMAction2's models importable. (A module
# that fails to import here is skipped silently by multiprocessing; the run
# then imports it itself, as a fresh Python would.)
# matplotlib.pyplot: MMEngine's Visualizer imports it in every run (0.7 s).
PRELOAD = ['mvadapt', 'torch', 'mmengine.runner', 'mmaction.datasets',
           'mmaction.engine', 'mmaction.evaluation', 'mmaction.models',
           'mmaction.visualization', 'open_clip', 'mvadapt.apis',
           'mvadapt.datasets', 'mvadapt.engine', 'mvadapt.evaluation',
           'mvadapt.models', 'matplotlib.pyplot']
_context = None


def fork_server() -> Optional[multiprocessing.context.BaseContext]:
    """The fork-server context, or None where runs start fresh Pythons."""
    global _context
    if _context is None:
        if os.environ.get('MVADAPT_TOOL_SUBPROCESS') == '1' or \
                'forkserver' not in multiprocessing.get_all_start_methods():
            _context = False
        else:
            _context = multiprocessing.get_context('forkserver')
            _context.set_forkserver_preload(PRELOAD)
    return _context or None


def _run_script(argv: Sequence[str], cwd: str, log_path: str,
                environ: Optional[Dict[str, str]] = None) -> None:
    """In the forked process: ``python argv[0] argv[1:]`` in cwd with the
    environment environ, with stdout and stderr in log_path."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    os.chdir(cwd)
    # multiprocessing made this process's default start method the server's
    multiprocessing.set_start_method(None, force=True)
    if 'numpy' in sys.modules:  # seeded from the OS, as a fresh import is
        sys.modules['numpy'].random.seed()
    # PyTorch sized its thread pool from OMP_NUM_THREADS when the server
    # imported it; a fresh Python would size it from the run's environment
    threads = os.environ.get('OMP_NUM_THREADS', '')
    if threads.isdigit() and int(threads) > 0 and 'torch' in sys.modules:
        sys.modules['torch'].set_num_threads(int(threads))
    script = osp.abspath(argv[0])
    sys.argv = [script] + list(argv[1:])
    sys.path.insert(0, osp.dirname(script))
    interrupted = False
    try:
        runpy.run_path(script, run_name='__main__')
        code = 0
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        code, interrupted = 1, True
    except SystemExit as e:
        code = e.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)  # as the interpreter does
            code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    # the interpreter's exit: wait for non-daemon threads, then atexit
    threading._shutdown()
    atexit._run_exitfuncs()
    if interrupted:  # end by SIGINT (status -2), as the interpreter does
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(code)


def run_tool(cmd: Sequence[str], log_path: str, cwd: str) -> int:
    """Run ``cmd`` (``[sys.executable, script, *args]``) in ``cwd`` with its
    output in ``log_path``; returns its exit status. Other commands run as
    a plain subprocess."""
    context = fork_server()
    if context is not None and len(cmd) > 1 and cmd[0] == sys.executable \
            and cmd[1].endswith('.py'):
        proc = context.Process(target=_run_script,
                               args=(list(cmd[1:]), cwd, log_path,
                                     dict(os.environ)))
        proc.start()
        try:
            proc.join()
        except BaseException:  # Ctrl-C: as subprocess.run, kill the run
            proc.join(0.25)  # (after subprocess's grace for its own Ctrl-C)
            if proc.is_alive():
                proc.kill()
                proc.join()
            raise
        return proc.exitcode
    with open(log_path, 'w') as log:
        return subprocess.run(list(cmd), cwd=cwd, stdout=log,
                              stderr=subprocess.STDOUT).returncode

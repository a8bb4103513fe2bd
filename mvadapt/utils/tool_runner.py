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
file, and its exit status is returned. Where the platform has no fork
server (Windows), or with ``MVADAPT_TOOL_SUBPROCESS=1``, each run is a
fresh ``subprocess`` instead; the results are the same.
"""
import multiprocessing
import os
import os.path as osp
import runpy
import subprocess
import sys
from typing import Optional, Sequence

# What every tool imports, loaded once by the fork server (importing only:
# no thread pool or other state is started that a fork could not copy).
# mvadapt first: its compat makes MMAction2's models importable. (A module
# that fails to import here is skipped silently by multiprocessing; the run
# then imports it itself, as a fresh Python would.)
PRELOAD = ['mvadapt', 'torch', 'mmengine.runner', 'mmaction.datasets', 'mmaction.engine',
           'mmaction.evaluation', 'mmaction.models', 'mmaction.visualization',
           'open_clip', 'mvadapt.apis', 'mvadapt.datasets', 'mvadapt.engine',
           'mvadapt.evaluation', 'mvadapt.models']
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


def _run_script(argv: Sequence[str], cwd: str, log_path: str) -> None:
    """In the forked process: ``python argv[0] argv[1:]`` in cwd, with
    stdout and stderr in log_path."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(cwd)
    script = osp.abspath(argv[0])
    sys.argv = [script] + list(argv[1:])
    sys.path.insert(0, osp.dirname(script))
    runpy.run_path(script, run_name='__main__')


def run_tool(cmd: Sequence[str], log_path: str, cwd: str) -> int:
    """Run ``cmd`` (``[sys.executable, script, *args]``) in ``cwd`` with its
    output in ``log_path``; returns its exit status. Other commands run as
    a plain subprocess."""
    context = fork_server()
    if context is not None and len(cmd) > 1 and cmd[0] == sys.executable \
            and cmd[1].endswith('.py'):
        proc = context.Process(target=_run_script,
                               args=(list(cmd[1:]), cwd, log_path))
        proc.start()
        proc.join()
        return proc.exitcode
    with open(log_path, 'w') as log:
        return subprocess.run(list(cmd), cwd=cwd, stdout=log,
                              stderr=subprocess.STDOUT).returncode

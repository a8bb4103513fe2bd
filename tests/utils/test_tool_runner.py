"""mvadapt.utils.tool_runner: a tool run forked from a pre-imported server
behaves as `python script args` does."""
import json
import os
import signal
import sys
import threading
import time

import pytest

from mvadapt.utils import tool_runner

SCRIPT = f'''
import json, os, sys
# which of the fork server's modules this process starts with
preloaded = [m for m in {tool_runner.PRELOAD!r} if m in sys.modules]
import multiprocessing
import numpy as np
print(json.dumps(dict(
    argv=sys.argv[1:], prog=os.path.basename(sys.argv[0]), file=__file__,
    cwd=os.getcwd(), path0=sys.path[0], name=__name__, preloaded=preloaded,
    env=os.environ.get('MVADAPT_TEST_ENV'),
    start_method=multiprocessing.get_start_method(),
    threads=__import__('torch').get_num_threads(),
    draw=int(np.random.randint(2**62)))))
print('to stderr', file=sys.stderr)
sys.exit(int(sys.argv[1]))
'''


def _run(tmp_path, code, monkeypatch, subprocess_only):
    monkeypatch.setattr(tool_runner, '_context', None)
    if subprocess_only:
        monkeypatch.setenv('MVADAPT_TOOL_SUBPROCESS', '1')
    else:
        monkeypatch.delenv('MVADAPT_TOOL_SUBPROCESS', raising=False)
    (tmp_path / 'tools').mkdir(exist_ok=True)
    (tmp_path / 'tools' / 'echo.py').write_text(SCRIPT)
    log = tmp_path / f'log_{code}_{subprocess_only}.txt'
    status = tool_runner.run_tool(
        [sys.executable, 'tools/echo.py', str(code), '--x=1'], str(log),
        str(tmp_path))
    lines = log.read_text().splitlines()
    return status, json.loads(lines[0]), lines[1:]


@pytest.mark.parametrize('code', [0, 3])
def test_forked_run_is_the_command_line_run(tmp_path, monkeypatch, code):
    forked = _run(tmp_path, code, monkeypatch, subprocess_only=False)
    fresh = _run(tmp_path, code, monkeypatch, subprocess_only=True)
    assert forked[0] == fresh[0] == code  # the exit status comes back
    info, plain = forked[1], fresh[1]
    # the same arguments, __file__, working directory, sys.path[0], __main__
    for key in ('argv', 'prog', 'file', 'cwd', 'path0', 'name'):
        assert info[key] == plain[key], key
    assert info['argv'] == [str(code), '--x=1']
    assert info['file'] == str(tmp_path / 'tools' / 'echo.py')
    assert info['cwd'] == str(tmp_path)
    assert info['path0'] == str(tmp_path / 'tools')
    assert info['name'] == '__main__'
    # stderr goes to the same log
    assert forked[2] == fresh[2] == ['to stderr']
    # the fork server had imported every module of PRELOAD (one that fails
    # to import there is skipped silently); a fresh Python had none
    assert info['preloaded'] == tool_runner.PRELOAD
    assert plain['preloaded'] == []


def test_forked_run_has_the_callers_environment_and_fresh_defaults(
        tmp_path, monkeypatch):
    monkeypatch.setenv('MVADAPT_TEST_ENV', 'first')
    first = _run(tmp_path, 0, monkeypatch, subprocess_only=False)[1]
    # the fork server runs now, with the environment it was started with
    monkeypatch.setenv('MVADAPT_TEST_ENV', 'second')
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    second = _run(tmp_path, 0, monkeypatch, subprocess_only=False)[1]
    fresh = _run(tmp_path, 0, monkeypatch, subprocess_only=True)[1]
    assert (first['env'], second['env'], fresh['env']) == (
        'first', 'second', 'second')
    # and PyTorch's thread pool is sized from that environment
    assert second['threads'] == fresh['threads'] == 1
    # the run's own processes (data-loader workers) start as a fresh
    # Python's do, not from a fork server
    assert first['start_method'] == second['start_method'] == \
        fresh['start_method']
    # NumPy's global generator is not the server's state in every run
    assert first['draw'] != second['draw']


def test_a_crash_is_a_nonzero_status_with_the_traceback_logged(
        tmp_path, monkeypatch):
    monkeypatch.setattr(tool_runner, '_context', None)
    monkeypatch.delenv('MVADAPT_TOOL_SUBPROCESS', raising=False)
    (tmp_path / 'boom.py').write_text("raise RuntimeError('boom 42')\n")
    log = tmp_path / 'log.txt'
    status = tool_runner.run_tool([sys.executable, 'boom.py'], str(log),
                                  str(tmp_path))
    assert status == 1
    assert 'RuntimeError: boom 42' in log.read_text()


ENDINGS = """
import atexit, sys, threading, time
atexit.register(lambda: print('atexit', flush=True))
def late():
    time.sleep(0.3)
    print('thread', flush=True)
threading.Thread(target=late).start()
how = sys.argv[1]
if how == 'message':
    sys.exit('bad config')
if how == 'none':
    sys.exit(None)
if how == 'error':
    raise ValueError('boom 7')
if how == 'interrupt':
    raise KeyboardInterrupt
"""


@pytest.mark.parametrize('how,status', [('end', 0), ('none', 0),
                                        ('message', 1), ('error', 1),
                                        ('interrupt', -signal.SIGINT)])
def test_a_run_ends_as_the_interpreter_ends(tmp_path, monkeypatch, how,
                                            status):
    # the status `python script` has; after the message or traceback,
    # non-daemon threads are joined and atexit handlers run
    (tmp_path / 'end.py').write_text(ENDINGS)
    logs = []
    for fresh in (False, True):
        monkeypatch.setattr(tool_runner, '_context', None)
        monkeypatch.setenv('MVADAPT_TOOL_SUBPROCESS', '1' if fresh else '0')
        log = tmp_path / f'log_{fresh}.txt'
        assert tool_runner.run_tool([sys.executable, 'end.py', how],
                                    str(log), str(tmp_path)) == status, fresh
        logs.append(log.read_text().splitlines())
    forked, plain = logs
    assert forked[-2:] == plain[-2:] == ['thread', 'atexit']
    # the same message or last line of the traceback before them
    assert forked[-3:-2] == plain[-3:-2]
    assert (len(plain) > 2) == (how not in ('end', 'none'))


def test_an_interrupted_caller_leaves_no_run_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tool_runner, '_context', None)
    monkeypatch.delenv('MVADAPT_TOOL_SUBPROCESS', raising=False)
    pid_file = tmp_path / 'pid'
    (tmp_path / 'slow.py').write_text(
        'import os, time\n'
        f'open({str(pid_file)!r}, "w").write(str(os.getpid()))\n'
        'time.sleep(120)\n')

    def interrupt():  # Ctrl-C to the caller only, once the run is up
        deadline = time.time() + 120
        while not pid_file.exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    start = time.time()
    with pytest.raises(KeyboardInterrupt):
        tool_runner.run_tool([sys.executable, 'slow.py'],
                             str(tmp_path / 'log.txt'), str(tmp_path))
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    if alive:  # do not leave it sleeping
        os.kill(pid, signal.SIGKILL)
    assert not alive, 'the run outlived its interrupted caller'
    assert time.time() - start < 60

"""mvadapt.utils.tool_runner: a tool run forked from a pre-imported server
behaves as `python script args` does."""
import json
import sys

import pytest

from mvadapt.utils import tool_runner

SCRIPT = '''
import json, os, sys
print(json.dumps(dict(
    argv=sys.argv[1:], prog=os.path.basename(sys.argv[0]), file=__file__,
    cwd=os.getcwd(), path0=sys.path[0], name=__name__,
    preloaded='mmaction.models' in sys.modules)))
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
    # the fork server had imported the heavy modules; a fresh Python had not
    assert info['preloaded'] and not plain['preloaded']


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

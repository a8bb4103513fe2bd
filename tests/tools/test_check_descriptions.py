"""check_descriptions.py: a brought descriptions file checked against class
names without building a model, in both formats, both ways."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'data', 'check_descriptions.py')


def load_module():
    spec = importlib.util.spec_from_file_location('check_desc', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(cls, n):
    return {'spatial': [f'A video about {cls} {i}.' for i in range(n)],
            'temporal': [f'{cls} step {i}' for i in range(n)]}


@pytest.fixture
def files(tmp_path):
    names = tmp_path / 'names.txt'
    names.write_text('jump\nrun\nswim\n')
    # 'run' has 3, the others 2; 'fly' is an extra class (ignored)
    data = {'jump': entry('jump', 2), 'run': entry('run', 3),
            'swim': entry('swim', 2), 'fly': entry('fly', 1)}
    named = tmp_path / 'descriptions.json'
    named.write_text(json.dumps(data))
    for kind in ('spatial', 'temporal'):
        (tmp_path / f'{kind}.json').write_text(json.dumps(
            {str(i): data[c][kind]
             for i, c in enumerate(['jump', 'run', 'swim'])}))
    return tmp_path


def test_cli_ok_and_missing_class(files):
    names = str(files / 'names.txt')
    named = str(files / 'descriptions.json')
    proc = subprocess.run([sys.executable, SCRIPT, named, '--class-names',
                           names, '--n', '2'], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f'OK: {named}: 3 classes')
    assert 'spatial 2-3, temporal 2-3, >= 2 required' in proc.stdout
    (files / 'names.txt').write_text('jump\nrun\nswim\ndive\n')
    proc = subprocess.run([sys.executable, SCRIPT, named, '--class-names',
                           names], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert named in proc.stderr and "'dive'" in proc.stderr
    assert '1 missing' in proc.stderr and not proc.stdout


def test_short_entries_and_index_keyed_pair(files, capsys):
    check = load_module()
    names = str(files / 'names.txt')
    named = str(files / 'descriptions.json')
    assert check.main([named, '--class-names', names, '--n', '3']) == 1
    err = capsys.readouterr().err
    assert named in err and "'jump'" in err
    assert 'has 2 descriptions, 3 are required' in err
    pair = ['--spatial', str(files / 'spatial.json'), '--temporal',
            str(files / 'temporal.json'), '--labels', names]
    assert check.main([*pair, '--class-names', names, '--n', '2']) == 0
    assert capsys.readouterr().out.startswith('OK: ')
    assert check.main([*pair, '--class-names', names, '--n', '3']) == 1
    err = capsys.readouterr().err
    assert 'spatial.json' in err and "entry '0' has 2" in err
    # index-keyed files must match their label list's class count exactly
    (files / 'labels.txt').write_text('jump\nrun\n')
    pair[-1] = str(files / 'labels.txt')
    assert check.main([*pair, '--class-names', str(files / 'labels.txt')]) \
        == 1
    assert 'unexpected' in capsys.readouterr().err


def test_errors_and_usage(files, capsys):
    check = load_module()
    names = str(files / 'names.txt')
    missing = str(files / 'nope.json')
    assert check.main([missing, '--class-names', names]) == 1
    assert missing in capsys.readouterr().err
    assert check.main([str(files / 'descriptions.json'), '--class-names',
                       str(files / 'none.txt')]) == 1
    assert 'class-names file not found' in capsys.readouterr().err
    (files / 'bad.json').write_text('{"jump": ')
    assert check.main([str(files / 'bad.json'), '--class-names',
                       names]) == 1
    assert 'not valid JSON' in capsys.readouterr().err
    for argv in ([], ['--spatial', str(files / 'spatial.json')],
                 ['--spatial', str(files / 'spatial.json'), '--temporal',
                  str(files / 'temporal.json')],  # no --labels
                 [str(files / 'descriptions.json'), '--spatial', 'x',
                  '--temporal', 'y'],
                 [str(files / 'descriptions.json'), '--n', '0']):
        with pytest.raises(SystemExit) as e:
            check.main([*argv, '--class-names', names])
        assert e.value.code == 2

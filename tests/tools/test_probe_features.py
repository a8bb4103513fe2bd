"""tools/analysis_tools/probe_features.py on a tiny MovingShapes set."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / 'configs' / 'demo' /
             'clip_tiny-64_1xb128-18e_moving-shapes-static.py')


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    ms = load(ROOT / 'tools' / 'data' / 'moving_shapes.py', 'ms')
    out = tmp_path_factory.mktemp('ms') / 'data'
    ms.generate(out, seed=0, preset='tiny', workers=1, progress=False,
                verbose=False, num_static=120)
    return out


def test_probe_table_and_json(data, tmp_path, capsys):
    tool = load(ROOT / 'tools' / 'analysis_tools' / 'probe_features.py',
                'probe_features')
    out = tmp_path / 'probe.json'
    tool.main([CONFIG, '--data-root', str(data), '--out', str(out),
               '--batch-size', '32'])
    printed = capsys.readouterr().out
    res = json.loads(out.read_text())
    assert set(res['probes']) == {'colour', 'shape', 'size', 'position',
                                  'orientation'}
    for attr, r in res['probes'].items():
        assert 0 <= r['accuracy'] <= 100 and r['n_val'] > 0
        assert f'| {attr} | {r["num_classes"]} |' in printed
    # colour is in the pixels: even random features carry some of it
    assert res['probes']['colour']['accuracy'] > \
        res['probes']['colour']['chance']
    assert res['zero_shot']['num_captions'] > 1
    assert 'Zero-shot item-to-caption top-1' in printed


def test_missing_labels_are_a_clear_error(data, tmp_path):
    tool = load(ROOT / 'tools' / 'analysis_tools' / 'probe_features.py',
                'probe_features')
    with pytest.raises(SystemExit, match='label file not found'):
        tool.main([CONFIG, '--data-root', str(data), '--labels',
                   str(tmp_path / 'none.json')])

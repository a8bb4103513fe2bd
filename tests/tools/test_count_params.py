"""count_params.py works on every config without its data or weights."""
import glob
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(
    p for p in glob.glob(str(ROOT / 'configs' / '**' / '*.py'),
                         recursive=True) +
    glob.glob(str(ROOT / 'projects' / '*' / 'configs' / '*.py'))
    if '_base_' not in p)
spec = importlib.util.spec_from_file_location(
    'count_params', ROOT / 'tools' / 'analysis_tools' / 'count_params.py')
count_params = importlib.util.module_from_spec(spec)
spec.loader.exec_module(count_params)


def test_every_config_is_found():
    assert len(CONFIGS) > 50


@pytest.mark.parametrize('config', CONFIGS,
                         ids=[Path(c).name for c in CONFIGS])
def test_counts_without_data(config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no data/ here: nothing may be read
    monkeypatch.syspath_prepend(str(ROOT))
    model = count_params.build_without_weights(config)
    groups = count_params.count(model)
    trainable = sum(g[0] for g in groups.values())
    total = sum(g[1] for g in groups.values())
    assert 0 <= trainable <= total and total > 0
    if 'zero-shot' not in Path(config).name:  # evaluation-only configs
        assert trainable > 0

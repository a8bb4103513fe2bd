"""count_params.py works on every config without its data or weights, and
docs/model_zoo.md lists every config with the count it gives."""
import glob
import importlib.util
import re
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


def zoo_rows():
    """{config path: trainable cell} of docs/model_zoo.md's tables."""
    rows = {}
    for line in (ROOT / 'docs' / 'model_zoo.md').read_text().splitlines():
        match = re.match(r'\| \[[^\]]+\]\(\.\./([^)]+\.py)\) \|(.*)\|$',
                         line)
        if match:
            cells = [c.strip() for c in match.group(2).split('|')]
            trainable = [c for c in cells if re.match(r'^[\d,]+ \(', c)]
            assert len(trainable) == 1, line
            rows[match.group(1)] = trainable[0]
    return rows


def test_every_config_is_found():
    assert len(CONFIGS) > 50


def test_model_zoo_lists_every_config_once():
    assert sorted(zoo_rows()) == sorted(
        str(Path(p).relative_to(ROOT)) for p in CONFIGS)


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
    # docs/model_zoo.md states this count
    clip = sum(p.numel() for p in model.backbone.clip.parameters())
    expected = f'{trainable:,} ({100 * trainable / clip:.2f} %)' \
        if trainable else '0 (evaluation only)'
    assert zoo_rows()[str(Path(config).relative_to(ROOT))] == expected

"""plot_results.py: the demo's results as grouped bars with seed error
bars."""
import importlib.util
import json
import statistics
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    'plot_results', ROOT / 'tools' / 'analysis_tools' / 'plot_results.py')
plot_results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot_results)


def retrieval_row(name, method, seed, r1, twin):
    return dict(name=name, method=method, seed=seed, trainable=10,
                percent=1.0, seconds=1.0,
                metrics={'retrieval/t2v/R1': r1, 'retrieval/t2v/R5': 90.0,
                         'retrieval/twin/acc': twin})


def b2n_row(name, method, seed, base, novel):
    hm = 2 * base * novel / (base + novel)
    return dict(name=name, method=method, seed=seed, trainable=0,
                percent=0.0, seconds=None,
                metrics={'b2n/base': base, 'b2n/novel': novel, 'b2n/HM': hm})


ROWS = [
    retrieval_row('zero-shot', 'zero-shot CLIP', 0, 20.0, 50.0),
    retrieval_row('mv-adapter', 'MV-Adapter', 0, 40.0, 70.0),
    retrieval_row('mv-adapter', 'MV-Adapter', 1, 44.0, 80.0),
    retrieval_row('mv-adapter', 'MV-Adapter', 2, 48.0, 90.0),
    b2n_row('b2n-zero-shot', 'zero-shot CLIP', 0, 60.0, 40.0),
    b2n_row('b2n-msta', 'MSTA', 0, 80.0, 50.0),
]


def bars_of(ax):
    """{legend label: [(height, error bar half-length or None)]} of an
    axes' bar groups."""
    out = {}
    for container in ax.containers:
        if not hasattr(container, 'patches'):
            continue
        errors = {}  # bar centre -> half-length of its error bar
        if container.errorbar is not None:
            for seg in container.errorbar.lines[2][0].get_segments():
                if len(seg) and seg[0][1] == seg[0][1]:  # not NaN
                    errors[round(seg[0][0], 6)] = (seg[1][1] - seg[0][1]) / 2
        out[container.get_label()] = [
            (p.get_height(),
             errors.get(round(p.get_x() + p.get_width() / 2, 6)))
            for p in container.patches]
    return out


def test_groups_by_method_with_sample_std():
    groups = plot_results.group_rows(ROWS, ['retrieval/t2v/R1'])
    assert [(m, len(g)) for m, g in groups] == [('zero-shot CLIP', 1),
                                                ('MV-Adapter', 3)]
    assert plot_results.mean_and_error([40.0, 44.0, 48.0]) == (44.0, 4.0)
    assert plot_results.mean_and_error([7.0]) == (7.0, None)


def test_two_panels_with_means_and_error_bars():
    fig = plot_results.draw_results(ROWS)
    retrieval, b2n = fig.axes
    assert 'Retrieval' in retrieval.get_title()
    assert 'seeds' in retrieval.get_title()
    bars = bars_of(retrieval)
    assert set(bars) == {'T2V R@1', 'twin accuracy'}
    (zs_h, zs_e), (mv_h, mv_e) = bars['T2V R@1']
    assert zs_h == pytest.approx(20.0)
    assert mv_h == pytest.approx(44.0) and mv_e == pytest.approx(4.0)
    assert zs_e is None  # one seed: no error bar
    (_, _), (twin_h, twin_e) = bars['twin accuracy']
    assert twin_h == pytest.approx(80.0)
    assert twin_e == pytest.approx(statistics.stdev([70.0, 80.0, 90.0]))
    ticks = [t.get_text() for t in retrieval.get_xticklabels()]
    assert ticks == ['zero-shot CLIP', 'MV-Adapter\n(3 seeds)']

    assert 'Base-to-novel' in b2n.get_title()
    bars = bars_of(b2n)
    assert set(bars) == {'base', 'novel', 'HM'}
    assert [h for h, _ in bars['HM']] == pytest.approx(
        [48.0, 2 * 80 * 50 / 130])
    assert all(e is None for _, e in bars['base'])  # single seeds


def test_one_panel_when_only_one_kind():
    fig = plot_results.draw_results(ROWS[:2])
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match='no row'):
        plot_results.draw_results([dict(name='x', method='x', seed=0,
                                        metrics={'acc/top1': 1.0})])


def test_cli_writes_results_png_next_to_the_json(tmp_path, capsys):
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(ROWS))
    out = plot_results.main([str(results)])
    assert out == str(tmp_path / 'results.png')
    with Image.open(out) as image:
        assert image.format == 'PNG'
        width, height = image.size
    assert width >= 600 and height > width * 0.8  # two stacked panels
    assert str(tmp_path / 'results.png') in capsys.readouterr().out

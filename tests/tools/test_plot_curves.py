"""plot_curves.py: training and validation curves of several runs from
their vis_data/scalars.json, written here by MMEngine's own
LocalVisBackend as a training run writes them."""
import importlib.util
from pathlib import Path

import pytest
from mmengine.visualization import LocalVisBackend
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    'plot_curves', ROOT / 'tools' / 'analysis_tools' / 'plot_curves.py')
plot_curves = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot_curves)

ITERS_PER_EPOCH = 4


def write_session(work_dir, timestamp, epochs, loss, metric):
    """One training session as LoggerHook logs it: a line per iteration
    (epoch, iter, step, loss, lr, time) and one per validation (the
    metrics, step = the epoch)."""
    backend = LocalVisBackend(
        save_dir=str(work_dir / timestamp / 'vis_data'))
    for epoch in epochs:
        for i in range(ITERS_PER_EPOCH):
            it = (epoch - 1) * ITERS_PER_EPOCH + i + 1
            backend.add_scalars(
                dict(lr=1e-3, data_time=0.1, loss=loss(it), time=0.5,
                     epoch=epoch, iter=it, memory=100), step=it)
        backend.add_scalars({'acc/top1': metric(epoch), 'acc/top5': 99.0,
                             'data_time': 0.1, 'time': 0.2}, step=epoch)
    return work_dir


@pytest.fixture
def runs(tmp_path):
    # run a: epochs 1-2, then resumed from epoch 1's checkpoint: its second
    # session logs epochs 2-3 again with other values
    a = tmp_path / 'run_a'
    write_session(a, '20260101_000000', [1, 2], lambda i: 10.0 - i,
                  lambda e: 10.0 * e)
    write_session(a, '20260102_000000', [2, 3], lambda i: 100.0 + i,
                  lambda e: 50.0 + e)
    b = write_session(tmp_path / 'run_b', '20260101_000000', [1, 2],
                      lambda i: 2.0, lambda e: 70.0)
    return a, b


def test_runs_are_joined_in_time_order(runs):
    a, _ = runs
    curves = plot_curves.load_run(str(a))
    loss = curves['train']['loss']
    assert sorted(loss) == list(range(1, 3 * ITERS_PER_EPOCH + 1))
    assert loss[1] == 9.0  # first session
    assert loss[5] == 105.0  # the resumed session replaced epoch 2
    assert curves['val']['acc/top1'] == {1: 10.0, 2: 52.0, 3: 53.0}
    assert 'time' not in curves['val'] and 'epoch' not in curves['train']
    scalars = a / '20260102_000000' / 'vis_data' / 'scalars.json'
    for path in (a, a / '20260102_000000', scalars):
        assert plot_curves.run_name(str(path)) == 'run_a'


def test_one_panel_per_key_one_line_per_run(runs):
    loaded = [plot_curves.load_run(str(r)) for r in runs]
    fig = plot_curves.draw_curves(loaded, ['a', 'b'])
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == 'loss' and acc_ax.get_title() == 'acc/top1'
    assert loss_ax.get_xlabel() == 'iteration'
    assert acc_ax.get_xlabel() == 'epoch'
    (line_a, line_b) = acc_ax.get_lines()
    assert line_a.get_label() == 'a'
    assert list(line_a.get_xdata()) == [1, 2, 3]
    assert list(line_a.get_ydata()) == [10.0, 52.0, 53.0]
    assert list(line_b.get_ydata()) == [70.0, 70.0]
    assert len(loss_ax.get_lines()) == 2

    fig = plot_curves.draw_curves(loaded, ['a', 'b'], keys=['loss'],
                                  smooth_window=2)
    smoothed = fig.axes[0].get_lines()[0].get_ydata()
    assert list(smoothed[:3]) == [9.0, 8.5, 7.5]


def test_cli_writes_the_plot_and_names_missing_keys(runs, capsys):
    a, b = runs
    out = plot_curves.main([str(a), str(b / '20260101_000000' / 'vis_data'
                                        / 'scalars.json'),
                            '--keys', 'loss', 'acc/top5', 'lr'])
    assert out == str(a / 'curves.png')
    with Image.open(out) as image:
        assert image.format == 'PNG'
        assert image.size[1] > image.size[0]  # three stacked panels
    printed = capsys.readouterr().out
    assert 'loss, acc/top5, lr of 2 runs' in printed
    with pytest.raises(SystemExit):
        plot_curves.main([str(a), '--keys', 'acc/top2'])
    assert "no run logged 'acc/top2'; logged keys: acc/top1, acc/top5, " \
        'loss, lr' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        plot_curves.main([str(a), str(b), '--legend', 'only-one'])
    with pytest.raises(SystemExit):
        plot_curves.main([str(a.parent / 'missing')])
    assert 'no such work dir' in capsys.readouterr().err

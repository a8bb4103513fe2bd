"""Loss and validation curves of one or several training runs, on one plot.

MMEngine's ``LocalVisBackend`` (the default ``vis_backends`` of every
config) writes a run's scalars to
``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON object a line:
training iterations (``loss``, ``lr``, ``grad_norm``, ... with ``epoch``,
``iter`` and ``step``) and validation results (``retrieval/t2v/R1``,
``acc/top1``, ``b2n/HM``, ... with ``step`` = the epoch). This tool reads
them, as MMAction2's ``analyze_logs.py plot_curve`` reads its JSON logs:

    python tools/analysis_tools/plot_curves.py WORK_DIR [WORK_DIR ...] \\
        [--keys loss retrieval/t2v/R1] [--legend A B] [--title T] \\
        [--smooth N] [--out curves.png]

A ``WORK_DIR`` may also be one timestamped folder or a ``scalars.json``.
A work dir trained in several sessions (``--resume``) has several timestamped
folders; their scalars are joined in time order, a later session's value
replacing an earlier one at the same step. Every key gets its own panel with
one line per run: training keys against the iteration, validation keys
against the epoch. Without ``--keys``: ``loss`` and the first validation
metric the runs logged. ``--legend`` names the runs (default: the work
dirs' names). The output (default ``curves.png`` in the first work dir) is
a PNG, or any format matplotlib writes by its extension (``.pdf``, ``.svg``).

For live curves, add TensorBoard to the run's ``vis_backends`` (``pip
install tensorboard`` first) in a config of your own, keeping
``LocalVisBackend`` for this tool (``--cfg-options`` cannot write a list of
dicts)::

    # my_config.py
    _base_ = ['configs/mv_adapter/mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py']
    visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                    dict(type='TensorboardVisBackend')])

    python tools/train.py my_config.py
    tensorboard --logdir work_dirs/my_config
"""
import argparse
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

# Bookkeeping values in scalars.json that are not curves of interest.
BOOKKEEPING = ('epoch', 'iter', 'step', 'time', 'data_time', 'memory')


def scalar_files(path: str) -> List[str]:
    """The ``scalars.json`` files of a work dir (time order), of one
    timestamped folder, or ``[path]`` for a JSON file."""
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path}: no such work dir or scalars file')
    files = sorted(glob.glob(osp.join(path, 'vis_data', 'scalars.json')) +
                   glob.glob(osp.join(path, '*', 'vis_data',
                                      'scalars.json')))
    if not files:
        raise FileNotFoundError(
            f'{path} has no <timestamp>/vis_data/scalars.json: is it a work '
            'dir of tools/train.py with the default LocalVisBackend?')
    return files


def load_run(path: str) -> Dict[str, Dict[str, Dict[float, float]]]:
    """A run's curves: ``{'train': {key: {iteration: value}}, 'val': {key:
    {epoch (or iteration): value}}}``; a later session's value replaces an
    earlier one at the same step (a resumed run)."""
    curves = dict(train={}, val={})
    for file in scalar_files(path):
        with open(file) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                entry = json.loads(line)
                mode = 'train' if 'iter' in entry else 'val'
                step = entry.get('iter' if mode == 'train' else 'step')
                if step is None:
                    continue
                for key, value in entry.items():
                    if key in BOOKKEEPING or not isinstance(
                            value, (int, float)):
                        continue
                    curves[mode].setdefault(key, {})[step] = float(value)
    return curves


def run_name(path: str) -> str:
    """The work dir's name for a work dir, one of its timestamped folders or
    its ``<timestamp>/vis_data/scalars.json``."""
    path = osp.abspath(path)
    if osp.isfile(path):
        path = osp.dirname(path)
    if osp.basename(path) == 'vis_data':
        path = osp.dirname(path)
    if osp.isdir(osp.join(path, 'vis_data')):  # a timestamped folder
        path = osp.dirname(path)
    return osp.basename(path)


def default_keys(runs: Sequence[dict]) -> List[str]:
    """``loss`` and the first validation metric any run logged."""
    keys = []
    if any('loss' in run['train'] for run in runs):
        keys.append('loss')
    for run in runs:
        if run['val']:
            keys.append(next(iter(run['val'])))
            break
    return keys


def smooth(values: List[float], window: int) -> List[float]:
    """Trailing moving average over ``window`` points (1: unchanged)."""
    if window <= 1:
        return list(values)
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def draw_curves(runs: Sequence[dict], labels: Sequence[str],
                keys: Optional[Sequence[str]] = None,
                title: Optional[str] = None, smooth_window: int = 1):
    """A matplotlib figure with a panel per key and a line per run.

    Args:
        runs (Sequence[dict]): :func:`load_run` results.
        labels (Sequence[str]): A legend label per run.
        keys (Sequence[str], optional): Scalars to plot. Defaults to
            :func:`default_keys`.
        title (str, optional): Figure title.
        smooth_window (int): Moving-average window for training keys.

    Raises:
        KeyError: A key no run logged (the message lists the keys there
            are).
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if len(labels) != len(runs):
        raise ValueError(f'{len(labels)} legend labels for {len(runs)} runs')
    keys = list(keys) if keys else default_keys(runs)
    if not keys:
        raise KeyError('the runs logged no loss and no validation metric')
    available = sorted({k for run in runs for mode in ('train', 'val')
                        for k in run[mode]})
    for key in keys:
        if not any(key in run['train'] or key in run['val'] for run in runs):
            raise KeyError(f'no run logged {key!r}; logged keys: '
                           f'{", ".join(available)}')
    fig, axes = plt.subplots(len(keys), 1, squeeze=False,
                             figsize=(7, 3.2 * len(keys)))
    for ax, key in zip(axes[:, 0], keys):
        for run, label in zip(runs, labels):
            mode = 'train' if key in run['train'] else 'val'
            points = run[mode].get(key)
            if not points:
                continue
            xs = sorted(points)
            ys = [points[x] for x in xs]
            if mode == 'train':
                ax.plot(xs, smooth(ys, smooth_window), label=label,
                        linewidth=1)
            else:
                ax.plot(xs, ys, marker='o', markersize=3, label=label)
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel('iteration' if mode == 'train' else 'epoch')
        ax.set_title(key, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Plot loss and validation curves of training runs '
        '(their vis_data/scalars.json).')
    parser.add_argument('runs', nargs='+', metavar='WORK_DIR',
                        help='work dirs, timestamped folders or '
                        'scalars.json files')
    parser.add_argument('--keys', nargs='+', default=None,
                        help='scalars to plot (default: loss and the first '
                        'validation metric)')
    parser.add_argument('--legend', nargs='+', default=None,
                        help='a name per run (default: the folder names)')
    parser.add_argument('--title', default=None, help='figure title')
    parser.add_argument('--smooth', type=int, default=1,
                        help='moving-average window for training curves')
    parser.add_argument('--out', default=None,
                        help='output image (default: curves.png in the '
                        'first work dir)')
    args = parser.parse_args(argv)

    import matplotlib.pyplot as plt
    try:
        runs = [load_run(path) for path in args.runs]
        labels = args.legend or [run_name(path) for path in args.runs]
        fig = draw_curves(runs, labels, args.keys, args.title, args.smooth)
    except (FileNotFoundError, KeyError, ValueError) as e:
        parser.error(e.args[0])
    first = args.runs[0] if osp.isdir(args.runs[0]) else \
        osp.dirname(osp.abspath(args.runs[0]))
    out = args.out or osp.join(first, 'curves.png')
    fig.savefig(out, dpi=120)
    plt.close(fig)
    keys = [ax.get_title() for ax in fig.axes]
    print(f'Wrote {out} ({", ".join(keys)} of {len(runs)} run'
          f'{"s" if len(runs) > 1 else ""}); --keys picks other scalars.')
    return out


if __name__ == '__main__':
    main()

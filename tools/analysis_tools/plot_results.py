"""Bar charts of the demo's results: ``results.json`` -> ``results.png``.

One panel per kind of result the rows hold: retrieval (T2V R@1 and twin
accuracy) and base-to-novel recognition (base / novel / HM accuracy). Each
method is a group of bars, one bar per metric; a method run with several
seeds shows the mean with an error bar of the sample standard deviation
(``statistics.stdev``, as the demo's tables), a single run its value.

Usage::

    python tools/analysis_tools/plot_results.py work_dirs/demo/results.json \
        [--out work_dirs/demo/results.png]

From Python, with the rows ``tools/demo.py`` writes to ``results.json``
(dicts with ``name``, ``method``, ``seed`` and ``metrics``; ``tools`` is not
a package, so load the file)::

    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'plot_results', 'tools/analysis_tools/plot_results.py')
    plot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plot)
    plot.plot_results(rows, 'work_dirs/demo/results.png')
"""
import argparse
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional, Sequence, Tuple

# (panel title, [(bar label, metric key)]); a row belongs to the first panel
# whose first key it has.
PANELS = (
    ('Retrieval (MovingShapes test set)',
     [('T2V R@1', 'retrieval/t2v/R1'), ('twin accuracy',
                                        'retrieval/twin/acc')]),
    ('Base-to-novel recognition',
     [('base', 'b2n/base'), ('novel', 'b2n/novel'), ('HM', 'b2n/HM')]),
)


def group_rows(rows: Sequence[dict], keys: Sequence[str]
               ) -> List[Tuple[str, List[dict]]]:
    """``[(method label, [rows of its seeds])]`` for the rows that have
    ``keys[0]``, in first-seen order of their ``name`` (the demo's stage
    name; several seeds of one method share it)."""
    groups: Dict[str, List[dict]] = {}
    for row in rows:
        if keys[0] in row.get('metrics', {}):
            groups.setdefault(row.get('name', row['method']), []).append(row)
    return [(group[0]['method'], group) for group in groups.values()]


def mean_and_error(values: Sequence[float]) -> Tuple[float, Optional[float]]:
    """The mean and the sample standard deviation (None for one value)."""
    if len(values) == 1:
        return values[0], None
    return statistics.mean(values), statistics.stdev(values)


def draw_results(rows: Sequence[dict]):
    """The figure of :func:`plot_results` (a matplotlib ``Figure``, one axes
    per panel that has rows)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    panels = []
    for title, bars in PANELS:
        groups = group_rows(rows, [key for _, key in bars])
        if groups:
            panels.append((title, bars, groups))
    if not panels:
        raise ValueError('no row has a retrieval (retrieval/t2v/R1) or '
                         'base-to-novel (b2n/base) metric to plot')
    width = max(6.0, max(len(g) * len(b) * 0.45 + 1.5
                         for _, b, g in panels))
    fig, axes = plt.subplots(len(panels), 1, squeeze=False,
                             figsize=(width, 3.6 * len(panels)))
    for ax, (title, bars, groups) in zip(axes[:, 0], panels):
        bar_width = 0.8 / len(bars)
        for i, (label, key) in enumerate(bars):
            means, errors = [], []
            for _, group in groups:
                values = [r['metrics'][key] for r in group
                          if r['metrics'].get(key) is not None]
                mean, err = mean_and_error(values) if values else (0.0, None)
                means.append(mean)
                errors.append(float('nan') if err is None else err)
            xs = [j + (i - (len(bars) - 1) / 2) * bar_width
                  for j in range(len(groups))]
            # NaN: no error bar for a method with a single seed
            has_spread = any(e == e for e in errors)
            drawn = ax.bar(xs, means, bar_width, label=label,
                           yerr=errors if has_spread else None, capsize=3)
            ax.bar_label(drawn, fmt='%.1f', fontsize=7, label_type='center')
        seeds = [len(group) for _, group in groups]
        names = [f'{method}\n({n} seeds)' if n > 1 else method
                 for (method, _), n in zip(groups, seeds)]
        ax.set_xticks(range(len(groups)), names, fontsize=8)
        ax.set_ylabel('%')
        ax.set_ylim(0, max(100.0, ax.get_ylim()[1]) * 1.08)
        note = ' (mean ± sample std over seeds)' if max(seeds) > 1 else ''
        ax.set_title(title + note, fontsize=10)
        ax.legend(fontsize=8, loc='upper left', ncols=len(bars))
        ax.grid(axis='y', alpha=0.3)
    fig.tight_layout()
    return fig


def plot_results(rows: Sequence[dict], out_png: str) -> str:
    """Draw ``rows`` (``tools/demo.py``'s results) as grouped bars and save
    the figure to ``out_png``.

    Args:
        rows (Sequence[dict]): The demo's result rows: ``name``, ``method``,
            ``seed`` and ``metrics`` (retrieval keys such as
            ``'retrieval/t2v/R1'``, ``'retrieval/twin/acc'`` or base-to-novel
            keys ``'b2n/base'``, ``'b2n/novel'``, ``'b2n/HM'``).
        out_png (str): Where to write the PNG.

    Returns:
        str: ``out_png``.

    Raises:
        ValueError: No row has a retrieval or base-to-novel metric.
    """
    import matplotlib.pyplot as plt
    fig = draw_results(rows)
    fig.savefig(out_png, dpi=120)
    plt.close(fig)
    return out_png


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Plot the demo\'s results.json as bar charts.')
    parser.add_argument('results', help='results.json written by '
                        'tools/demo.py')
    parser.add_argument('--out', default=None,
                        help='PNG to write (default: results.png next to '
                        'the JSON)')
    args = parser.parse_args(argv)
    with open(args.results) as f:
        rows = json.load(f)
    out = args.out or osp.join(osp.dirname(osp.abspath(args.results)),
                               'results.png')
    plot_results(rows, out)
    print(f'Wrote {out}: open it in an image viewer; the numbers are in '
          f'{osp.join(osp.dirname(args.results) or ".", "results.md")}.')
    return out


if __name__ == '__main__':
    main()

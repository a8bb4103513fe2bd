"""Check MSTA class descriptions against a class-names file (no model built).

    # name-keyed file (descriptions.json)
    python tools/data/check_descriptions.py FILE --class-names NAMES [--n N]
    # the authors' index-keyed pair, with the label list its keys index
    python tools/data/check_descriptions.py --spatial SPATIAL.json \\
        --temporal TEMPORAL.json --labels LABELS --class-names NAMES [--n N]

Runs the validation the model runs when it loads descriptions
(:func:`mvadapt.utils.descriptions.load_descriptions`): every class of NAMES
(one per line, label order) present, each with at least N non-empty
``spatial`` and ``temporal`` strings (N = ``model.consistency``'s number per
class; default: at least one); an index-keyed pair is read through LABELS
(e.g. ``mvadapt/datasets/protocols/vificlip/hmdb51_base.txt`` for the
authors' ``*_hmdb_base.json``) and its temporal descriptions must name the
classes of their indices. Prints ``OK`` with the counts and exits 0, or
prints the error naming the file and the missing class or short entry and
exits 1.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from mvadapt.utils.descriptions import (KINDS,  # noqa: E402
                                        load_descriptions, read_class_names)


def check(source, class_names, n=None):
    """Validate ``source`` (a path or ``dict(spatial=, temporal=,
    class_names=)``) for
    ``class_names``; return the one-line report. Raises
    :class:`DescriptionError` or :class:`FileNotFoundError`."""
    if n is not None:
        load_descriptions(source, class_names, n)  # names a short entry
    full = load_descriptions(source, class_names)
    counts = []
    for kind in KINDS:
        lo, hi = min(map(len, full[kind])), max(map(len, full[kind]))
        counts.append(f'{kind} {lo}' if lo == hi else f'{kind} {lo}-{hi}')
    counts = ', '.join(counts)
    files = source if isinstance(source, str) else ' + '.join(
        source[kind] for kind in KINDS)
    need = '' if n is None else f', >= {n} required'
    return (f'OK: {files}: {len(class_names)} classes, descriptions per '
            f'class: {counts}{need}')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file', nargs='?',
                        help='name-keyed descriptions JSON')
    parser.add_argument('--spatial', help='index-keyed spatial JSON')
    parser.add_argument('--temporal', help='index-keyed temporal JSON')
    parser.add_argument('--labels', help='the label list the index-keyed '
                        'pair follows (class-names file or id,name CSV)')
    parser.add_argument('--class-names', required=True,
                        help='class-names file, one per line, label order')
    parser.add_argument('--n', type=int, default=None,
                        help='descriptions required per class and kind')
    args = parser.parse_args(argv)
    pair = args.spatial is not None or args.temporal is not None
    if (args.file is None) == (not pair) or (
            pair and (args.spatial is None or args.temporal is None)):
        parser.error('give either FILE or both --spatial and --temporal')
    if pair and args.labels is None:
        parser.error('--spatial/--temporal need --labels: the label list '
                     'their indices follow')
    if args.n is not None and args.n < 1:
        parser.error('--n must be at least 1')
    source = args.file if args.file is not None else dict(
        spatial=args.spatial, temporal=args.temporal,
        class_names=args.labels)
    try:
        print(check(source, read_class_names(args.class_names), args.n))
    except (ValueError, FileNotFoundError) as e:  # incl. DescriptionError
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

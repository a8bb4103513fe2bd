"""Convert the MSTA authors' description files to one name-keyed file.

    python tools/data/convert_descriptions.py \\
        --spatial ETL4Video/description/2_s_description_hmdb_base.json \\
        --temporal ETL4Video/description/2_t_description_hmdb_base.json \\
        --labels mvadapt/datasets/protocols/vificlip/hmdb51_base.txt \\
        [--spatial ..._novel.json --temporal ..._novel.json --labels \\
         mvadapt/datasets/protocols/vificlip/hmdb51_novel.txt] \\
        [--class-names data/hmdb51/annotations/class_names.txt] \\
        --out data/hmdb51/descriptions/descriptions.json

The authors' files (github.com/chenhaoxing/ETL4Video, ``description/``)
are keyed by class index, in ViFi-CLIP's label order of the file's class
set: ``*_base.json`` / ``*_novel.json`` follow the base / novel lists
shipped in ``mvadapt/datasets/protocols/vificlip/``, the whole-dataset files
(``2_s_description_hmdb.json``, ...) ViFi-CLIP's full label list
(``labels/<dataset>_labels.csv`` of a ViFi-CLIP checkout; for HMDB-51,
UCF-101 and SSv2 the standard order of ``class_names.txt``). Each
``--spatial``/``--temporal``/``--labels`` triple is read with its label list
and checked: the temporal descriptions ("A video of <class> generally
involves ...") must name the class of their index for most classes, else
the list is not the file's (``--no-name-check`` skips this); classes whose
descriptions do not name them are listed. The output is keyed by class
name, in the spelling of ``--class-names`` when given (every converted class
must be one of them), and is what the configs' ``descriptions=`` reads.
"""
import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from mvadapt.utils.descriptions import (KINDS, class_key,  # noqa: E402
                                        load_descriptions, read_class_names,
                                        unnamed_classes)


def convert(triples, class_names=None, name_check=True):
    """Name-keyed descriptions from ``(spatial, temporal, labels)`` triples.

    Returns:
        tuple[dict, list[str]]: ``{name: {'spatial': [...], 'temporal':
        [...]}}`` and the classes whose temporal descriptions do not name
        them.
    """
    ours = {class_key(n): n for n in class_names or ()}
    out, unnamed = {}, []
    for spatial, temporal, labels in triples:
        names = read_class_names(labels)
        desc = load_descriptions(dict(spatial=spatial, temporal=temporal,
                                      class_names=labels), names,
                                 check_names=name_check)
        unnamed += unnamed_classes(names, desc['temporal'])
        for i, name in enumerate(names):
            if ours:
                if class_key(name) not in ours:
                    raise ValueError(f'{labels}: class {name!r} is not in '
                                     'the class names')
                name = ours[class_key(name)]
            if name in out:
                raise ValueError(f'{labels}: class {name!r} is converted '
                                 'twice')
            out[name] = {kind: desc[kind][i] for kind in KINDS}
    return out, unnamed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for flag, what in (('--spatial', 'index-keyed spatial JSON'),
                       ('--temporal', 'index-keyed temporal JSON'),
                       ('--labels', 'the label list its indices follow')):
        parser.add_argument(flag, action='append', required=True,
                            help=f'{what} (repeat for more files)')
    parser.add_argument('--class-names',
                        help='write the names as spelt in this file')
    parser.add_argument('--no-name-check', action='store_true',
                        help='do not require the temporal descriptions to '
                        'name their classes')
    parser.add_argument('--out', required=True)
    args = parser.parse_args(argv)
    if not len(args.spatial) == len(args.temporal) == len(args.labels):
        parser.error('give --spatial, --temporal and --labels once per file '
                     'pair')
    try:
        names = read_class_names(args.class_names) \
            if args.class_names else None
        out, unnamed = convert(zip(args.spatial, args.temporal, args.labels),
                               names, not args.no_name_check)
    except (ValueError, FileNotFoundError) as e:  # incl. DescriptionError
        print(f'error: {e}', file=sys.stderr)
        return 1
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
    print(f'Wrote descriptions of {len(out)} classes to {args.out}')
    if unnamed:
        print(f'note: the temporal descriptions of {len(unnamed)} class(es) '
              f'do not name them: {unnamed[:10]}')
    print('Check it with tools/data/check_descriptions.py '
          f'{args.out} --class-names CLASS_NAMES --n N')
    return 0


if __name__ == '__main__':
    sys.exit(main())

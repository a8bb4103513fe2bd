"""Classify a video with a CLIP recognizer (MSTA, ViFi-CLIP, zero-shot CLIP)
or a retrieval model, among its classes or any list (open vocabulary).

    python tools/classify.py CONFIG [CHECKPOINT] VIDEO [--classes FILE] -k 5
        [--template "a video of {}."] [--device cpu] [--cfg-options k=v ...]

Without ``--classes`` a recognizer uses its test classes; a retrieval model
needs ``--classes`` (its "classes" are captions). The video is read with the
config's test pipeline. See docs/search_your_videos.md.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import classify, init_model  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Classify a video')
    parser.add_argument('config', help='recognition or retrieval config')
    parser.add_argument('paths', nargs='+', metavar='[CHECKPOINT] VIDEO',
                        help='checkpoint (.pth / adapter .safetensors; '
                        'optional) and the video')
    parser.add_argument('--classes', help='class names, one per line '
                        '(default: the model\'s test classes)')
    parser.add_argument('-k', type=int, default=5, help='classes to show')
    parser.add_argument('--template', help='prompt with {} for the name '
                        '(default: the model\'s)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    args = parser.parse_args(argv)
    if len(args.paths) > 2:
        parser.error('give at most a checkpoint and one video')
    args.checkpoint = args.paths[0] if len(args.paths) == 2 else None
    args.video = args.paths[-1]
    return args


def main(argv=None):
    args = parse_args(argv)
    model = init_model(args.config, args.checkpoint, device=args.device,
                       cfg_options=args.cfg_options)
    top = classify(model, args.video, class_names=args.classes, k=args.k,
                   template=args.template)
    source = args.classes or 'the model\'s test classes'
    print(f'{args.video}: top {len(top)} of {source}')
    width = max(len(name) for name, _ in top)
    for rank, (name, prob) in enumerate(top, 1):
        print(f'{rank:3d}. {name:<{width}}  {prob:6.1%}  '
              f'{"#" * round(prob * 40)}')
    print('Next: classify among your own names with --classes FILE (one per '
          'line), or search a collection: tools/index_videos.py then '
          'tools/search.py')
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Search an index of videos (``tools/index_videos.py``) by text.

    python tools/search.py INDEX "a dog catching a frisbee" [QUERY ...] -k 5
        [--out results.json] [--checkpoint CKPT] [--device cpu]

The model is rebuilt from the index folder (its config copy and the
checkpoint it names; ``--checkpoint`` if that file moved) and checked
against the one that built the index. See docs/search_your_videos.md.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import VideoSearcher  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Search videos by text')
    parser.add_argument('index', help='index folder')
    parser.add_argument('queries', nargs='+', help='text queries')
    parser.add_argument('-k', type=int, default=5, help='results per query')
    parser.add_argument('--out', help='also write the results to this JSON '
                        'file')
    parser.add_argument('--checkpoint', help='the checkpoint the index was '
                        'built with, if it moved')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    searcher = VideoSearcher.load(args.index, checkpoint=args.checkpoint,
                                  device=args.device, num_workers=0,
                                  progress=False)
    results = searcher.search(args.queries, k=args.k)
    for query, found in zip(args.queries, results):
        print(f'"{query}": top {len(found)} of {len(searcher.paths)} videos '
              f'in {searcher.out_dir}')
        for rank, (path, score) in enumerate(found, 1):
            print(f'{rank:3d}. {score:.4f}  {path}')
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump([dict(query=q, results=[dict(path=p, score=s)
                                              for p, s in found])
                       for q, found in zip(args.queries, results)], f,
                      indent=1)
        print(f'Results written to {args.out}')
    print('Next: open a video above in a player, try another query, or '
          f'browse them playing: python tools/search_app.py {args.index}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

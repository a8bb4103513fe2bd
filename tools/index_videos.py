"""Index a folder of videos for text search.

    python tools/index_videos.py CONFIG [CHECKPOINT] --videos DIR --out INDEX
        [--index-type flat|hnsw] [--batch-size 16] [--workers 4]
        [--device cpu] [--cfg-options k=v ...]

CONFIG is a retrieval config (``VideoTextRetriever``), CHECKPOINT its trained
weights (``.pth`` or an adapter ``.safetensors``; without it, the weights
the config builds, e.g. zero-shot CLIP). ``--videos`` is a folder (searched
recursively), a text file listing videos, or one video. The videos are read
with the config's test pipeline, in worker processes; videos that cannot be
read are listed and skipped.

Run it again on the same INDEX to add videos: only new ones are encoded, and
a build that was stopped resumes where it stopped. An INDEX built by another
model is refused. See docs/search_your_videos.md.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import VideoSearcher  # noqa: E402
from mvadapt.apis.search import INDEX_TYPES, MANIFEST  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Encode videos into a searchable index')
    parser.add_argument('config', help='retrieval config file')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='checkpoint (.pth) or adapter (.safetensors)')
    parser.add_argument('--videos', required=True,
                        help='a folder of videos (recursive), a text file '
                        'listing videos, or a video')
    parser.add_argument('--out', required=True, help='the index folder')
    parser.add_argument('--index-type', choices=INDEX_TYPES, default=None,
                        help='flat: exact inner product (default for a new '
                        'index); hnsw: approximate, for large collections')
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--workers', type=int, default=None,
                        help='decoding processes (default: min(4, CPUs))')
    parser.add_argument('--save-every', type=int, default=256,
                        help='save encoded videos every N videos')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    searcher = VideoSearcher.from_config(
        args.config, args.checkpoint, device=args.device,
        cfg_options=args.cfg_options, batch_size=args.batch_size,
        num_workers=args.workers)
    summary = searcher.build_index(args.videos, args.out,
                                   index_type=args.index_type,
                                   save_every=args.save_every)
    out = summary['out_dir']
    print(f"Index: {out} ({summary['num_videos']} videos: "
          f"{summary['added']} added, {summary['already_indexed']} already "
          f'indexed; {searcher.index_type} FAISS index)')
    failed = summary['failed']
    if failed:
        print(f'Skipped {len(failed)} video(s) that could not be read (see '
              'the warning above; all of them are under "failed" in '
              f'{osp.join(out, MANIFEST)}).')
    if not summary['num_videos']:
        print('Nothing is indexed: check --videos and the messages above.')
        return 1
    print('Next: search it from the command line or a web page:\n'
          f'  python tools/search.py {out} "what you are looking for" -k 5\n'
          f'  python tools/search_app.py {out}   '
          '(needs pip install -e ".[app]")\n'
          'Run this command again to add videos: only new ones are '
          'encoded.')
    return 0


if __name__ == '__main__':
    sys.exit(main())

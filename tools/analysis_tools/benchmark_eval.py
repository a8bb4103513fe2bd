#!/usr/bin/env python
"""Time and memory of retrieval evaluation at a given scale.

Draws random unit features for ``--videos`` videos and ``--texts`` captions
(caption ``i`` belongs to video ``i % videos`` and lies near it), ranks them with
:func:`mvadapt.evaluation.functional.feature_retrieval_ranks` (what
``RetrievalMetric`` runs: block by block, the score matrix is never built
whole) and prints the wall time and the process's peak resident memory::

    python tools/analysis_tools/benchmark_eval.py --texts 100000 --videos 100000
    python tools/analysis_tools/benchmark_eval.py --texts 1000 --videos 1000 --repeat 5

``--dense`` also times the previous method (the whole ``[texts x videos]``
matrix in memory, then :func:`retrieval_ranks`) and checks that both give the
same ranks; it needs ``4 * texts * videos`` bytes and more.
"""
import argparse
import platform
import resource
import sys
import time

import numpy as np


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != 'darwin' else kb / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--texts', type=int, default=100000)
    parser.add_argument('--videos', type=int, default=100000)
    parser.add_argument('--dim', type=int, default=512)
    parser.add_argument('--protocol', default='video',
                        choices=['video', 'caption'])
    parser.add_argument('--repeat', type=int, default=1)
    parser.add_argument('--dense', action='store_true',
                        help='also time the whole-matrix method')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    from mvadapt.evaluation.functional import (feature_retrieval_ranks,
                                               retrieval_ranks)
    rng = np.random.default_rng(args.seed)
    video = rng.standard_normal((args.videos, args.dim), dtype=np.float32)
    video /= np.linalg.norm(video, axis=1, keepdims=True)
    t2v = np.arange(args.texts) % args.videos
    # captions near their video (noise 3x the signal: recalls well below 100)
    text = video[t2v]
    text += 3 * rng.standard_normal(text.shape, dtype=np.float32) / np.sqrt(
        args.dim)
    text /= np.linalg.norm(text, axis=1, keepdims=True)
    base = peak_rss_mb()
    print(f'{platform.processor() or platform.machine()}, '
          f'{len(__import__("os").sched_getaffinity(0))} cores; '
          f'{args.texts} texts x {args.videos} videos, D={args.dim}, '
          f'v2t_protocol={args.protocol!r}; features take '
          f'{(text.nbytes + video.nbytes) / 2**20:.0f} MiB, peak RSS before '
          f'ranking {base:.0f} MiB')
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        t2v_ranks, v2t_ranks = feature_retrieval_ranks(text, video, t2v,
                                                       args.protocol)
        times.append(time.perf_counter() - start)
    print(f'blockwise: best {min(times):.3f} s of {args.repeat}, peak RSS '
          f'{peak_rss_mb():.0f} MiB (+{peak_rss_mb() - base:.0f} MiB); '
          f'T2V R@1 {100 * np.mean(t2v_ranks == 1):.1f}, V2T R@1 '
          f'{100 * np.mean(v2t_ranks == 1):.1f}')
    if args.dense:
        start = time.perf_counter()
        ref = retrieval_ranks(text @ video.T, t2v, args.protocol)
        print(f'whole matrix: {time.perf_counter() - start:.3f} s, peak RSS '
              f'{peak_rss_mb():.0f} MiB; same ranks: '
              f'{np.array_equal(ref[0], t2v_ranks) and np.array_equal(ref[1], v2t_ranks)}')


if __name__ == '__main__':
    main()

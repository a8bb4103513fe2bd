"""Ranks and recall metrics for text-video retrieval.

Pure numpy (torch tensors are accepted as input); no mmengine dependency.

Conventions, used by every function here:

* ``sim`` is an ``[n_texts, n_videos]`` score matrix, higher = more similar.
* ``text_to_video[i]`` is the index of the video caption ``i`` describes.
  Several captions may share one video (MSR-VTT train, MSVD, ...); every video
  must have at least one caption.
* Ranks are 1-based and **ties count against the model**: the rank of the
  correct item is the number of candidates scored *at least as high* as it,
  itself included. A collapsed model whose scores are all equal therefore gets
  rank ``n_candidates`` (R@1 = 0 for more than one candidate), never rank 1,
  and no result depends on the order in which candidates are stored or on a
  sort's tie-breaking.
* Text-to-video (T2V): one rank per caption, among all ``n_videos`` videos.
* Video-to-text (V2T): one rank per video. Each of the video's own captions
  ``j`` is ranked among *all* ``n_texts`` captions of the video's column
  (``rank_j = #{k : sim[k, v] >= sim[j, v]}``; the other captions of the same
  video are competitors too, and every caption of a wrong video counts
  separately) and the video's rank is the best (minimum) of these, i.e. the
  rank of its best-scored own caption. This is the standard multi-caption
  protocol (as used for MSVD evaluation), and the tie rule applies as
  everywhere: ``v2t_rank[v] = #{k : sim[k, v] >= best}`` with
  ``best = max_{j : text_to_video[j] == v} sim[j, v]``. Two own captions tied
  at the top (e.g. duplicate captions, which embed identically) give rank 2:
  the rule is the literal one of DESIGN.md, never a tie-break in the model's
  favour.

With one caption per video (MSR-VTT 1k-A test) both directions reduce to the
usual square-matrix definition. Note that MMAction2 1.2.0's
``RetrievalMetric`` instead pairs caption ``i`` with row ``i`` of a square
matrix, i.e. it treats each caption's copy of the video as a separate
candidate; with several captions per video a perfect model then scores
R@1 < 100 (the copies tie with the correct one). The functions here do not
have that problem: a perfect model (distinct scores) scores R@1 = 100 in
both directions.
"""
from typing import Dict, Tuple

import numpy as np

__all__ = ['retrieval_ranks', 'summarize_ranks', 'retrieval_metrics']

# Upper bound on the number of matrix elements compared at once (per chunk of
# rows); keeps the boolean temporaries at ~16 MB whatever the matrix size.
_CHUNK_ELEMENTS = 1 << 24

_RECALL_KS = (1, 5, 10)


def _to_numpy(x, name: str) -> np.ndarray:
    """Convert a numpy array, torch tensor or array-like to a numpy array."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a hard dependency
        torch = None
    if torch is not None and isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        if x.is_floating_point() and x.dtype not in (torch.float32,
                                                     torch.float64):
            x = x.float()  # half / bfloat16 have no numpy equivalent here
        return x.numpy()
    try:
        return np.asarray(x)
    except Exception as e:  # noqa: BLE001
        raise TypeError(f'{name} must be array-like, got {type(x)!r}') from e


def _check_inputs(sim, text_to_video) -> Tuple[np.ndarray, np.ndarray]:
    """Validate and convert ``sim`` and ``text_to_video``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``sim`` as a real-valued array and
        ``text_to_video`` as an int64 array.
    """
    sim = _to_numpy(sim, 'sim')
    if sim.ndim != 2:
        raise ValueError('sim must be a 2-D [n_texts, n_videos] array, got '
                         f'shape {tuple(sim.shape)}')
    n_texts, n_videos = sim.shape
    if n_texts == 0 or n_videos == 0:
        raise ValueError('sim must have at least one text and one video, got '
                         f'shape {tuple(sim.shape)}')
    if sim.dtype == np.bool_:
        sim = sim.astype(np.float32)
    elif not (np.issubdtype(sim.dtype, np.floating)
              or np.issubdtype(sim.dtype, np.integer)):
        raise TypeError(f'sim must hold real numbers, got dtype {sim.dtype}')
    if np.issubdtype(sim.dtype, np.floating) and np.isnan(sim).any():
        rows, cols = np.nonzero(np.isnan(sim))
        raise ValueError(f'sim contains NaN ({rows.size} entries, first at '
                         f'text {rows[0]}, video {cols[0]})')

    t2v = _to_numpy(text_to_video, 'text_to_video')
    if t2v.ndim != 1:
        raise ValueError('text_to_video must be 1-D [n_texts], got shape '
                         f'{tuple(t2v.shape)}')
    if t2v.shape[0] != n_texts:
        raise ValueError(f'text_to_video has {t2v.shape[0]} entries but sim '
                         f'has {n_texts} rows (texts); they must match')
    if not np.issubdtype(t2v.dtype, np.integer):
        raise TypeError('text_to_video must hold integer video indices, got '
                        f'dtype {t2v.dtype}')
    t2v = t2v.astype(np.int64, copy=False)
    bad = np.nonzero((t2v < 0) | (t2v >= n_videos))[0]
    if bad.size:
        raise ValueError(
            f'text_to_video[{bad[0]}] = {t2v[bad[0]]} is out of range for '
            f'{n_videos} videos (valid indices: 0..{n_videos - 1}); '
            f'{bad.size} out-of-range entries in total')
    n_captions = np.bincount(t2v, minlength=n_videos)
    missing = np.nonzero(n_captions == 0)[0]
    if missing.size:
        raise ValueError(
            f'video {missing[0]} has no caption in text_to_video (every '
            f'video needs at least one; {missing.size} videos without '
            f'captions: {missing[:10].tolist()}'
            f'{" ..." if missing.size > 10 else ""})')
    return sim, t2v


def retrieval_ranks(sim, text_to_video) -> Tuple[np.ndarray, np.ndarray]:
    """Compute 1-based text-to-video and video-to-text ranks.

    Ties count against the model: the rank of the correct item is the number
    of candidates scored at least as high as it (itself included), so
    all-equal scores give the worst rank and results never depend on sort
    order. Caption ``i``'s T2V rank is taken among all videos in row ``i``.
    Video ``v``'s V2T rank is the best (minimum) rank of its own captions,
    each ranked among *all* captions in column ``v`` (other captions of the
    same video compete too, and ties count against the model here as well),
    so it equals ``#{k : sim[k, v] >= best_v}`` with
    ``best_v = max_{j: text_to_video[j] == v} sim[j, v]``. Two own captions
    tied at the top (e.g. duplicate captions) therefore give rank 2.

    Runs in ``O(n_texts * n_videos)`` time, processing rows in chunks so that
    extra memory stays bounded (about 16M matrix elements at a time).

    Args:
        sim (np.ndarray | torch.Tensor): ``[n_texts, n_videos]`` scores,
            higher meaning more similar. NaN is rejected.
        text_to_video (array-like | torch.Tensor): ``[n_texts]`` integer
            index of the video each caption belongs to. Every video must
            have at least one caption.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``t2v_ranks`` (``[n_texts]``, int64,
        in ``1..n_videos``) and ``v2t_ranks`` (``[n_videos]``, int64, in
        ``1..n_texts``).

    Raises:
        ValueError: On bad shapes, out-of-range indices, NaN scores or a
            video without captions.
        TypeError: On non-numeric ``sim`` or non-integer ``text_to_video``.
    """
    sim, t2v = _check_inputs(sim, text_to_video)
    n_texts, n_videos = sim.shape

    # Score of each caption's own video, and each video's best own caption.
    own = sim[np.arange(n_texts), t2v]
    # Every video has a caption, so each entry is overwritten by a real max.
    best_own = np.full(n_videos, own.min(), dtype=sim.dtype)
    np.maximum.at(best_own, t2v, own)

    t2v_ranks = np.empty(n_texts, dtype=np.int64)
    v2t_ranks = np.zeros(n_videos, dtype=np.int64)
    chunk = max(1, _CHUNK_ELEMENTS // n_videos)
    for start in range(0, n_texts, chunk):
        stop = min(start + chunk, n_texts)
        rows = sim[start:stop]
        t2v_ranks[start:stop] = (rows >= own[start:stop, None]).sum(axis=1)
        v2t_ranks += (rows >= best_own[None, :]).sum(axis=0)
    return t2v_ranks, v2t_ranks


def summarize_ranks(ranks, prefix: str = '') -> Dict[str, float]:
    """Summarise 1-based ranks as R@1/5/10 (percent), median and mean rank.

    Args:
        ranks (array-like): 1-based ranks, e.g. (a subset of) the output of
            :func:`retrieval_ranks`.
        prefix (str): Prepended to the keys with a ``/`` separator, e.g.
            ``'t2v'`` gives ``'t2v/R1'``. Defaults to ``''`` (no prefix).

    Returns:
        dict[str, float]: Keys ``R1``, ``R5``, ``R10`` (percent of ranks
        ``<= k``), ``MdR`` (``numpy.median``, may end in .5) and ``MnR``
        (mean rank), each prefixed.

    Raises:
        ValueError: If ``ranks`` is empty, not 1-D or holds values < 1.
    """
    ranks = _to_numpy(ranks, 'ranks')
    if ranks.ndim != 1:
        raise ValueError(f'ranks must be 1-D, got shape {tuple(ranks.shape)}')
    if ranks.size == 0:
        raise ValueError('cannot summarise an empty set of ranks')
    if (ranks < 1).any():
        raise ValueError('ranks are 1-based; got a rank < 1 '
                         f'(min {ranks.min()})')
    if prefix and not prefix.endswith('/'):
        prefix = prefix + '/'
    out = {}
    for k in _RECALL_KS:
        out[f'{prefix}R{k}'] = float(100.0 * np.mean(ranks <= k))
    out[f'{prefix}MdR'] = float(np.median(ranks))
    out[f'{prefix}MnR'] = float(np.mean(ranks))
    return out


def retrieval_metrics(sim, text_to_video) -> Dict[str, float]:
    """Text-to-video and video-to-text retrieval metrics.

    Ranks follow :func:`retrieval_ranks`:

    * **Ties count against the model**: a caption's T2V rank is the number of
      videos scored at least as high as its own video (own included), so a
      collapsed model with all-equal scores gets rank ``n_videos`` (R@1 = 0,
      MdR = ``n_videos``), never rank 1, and results never depend on sort
      order or on how the gallery is ordered.
    * **Multi-caption V2T**: a video's rank is the best (minimum) rank among
      its own captions, each ranked among *all* captions of the video's
      column (the video's other captions are competitors too), the standard
      protocol for multi-caption test sets such as MSVD. Ties count here
      too, own captions included (duplicate captions tie with each other).

    Unlike MMAction2 1.2.0's ``RetrievalMetric``, which treats each caption's
    copy of the video as a separate candidate (so a perfect model scores
    R@1 < 100 when videos have several captions), a perfect model scores
    R@1 = 100 in both directions here.

    Args:
        sim (np.ndarray | torch.Tensor): ``[n_texts, n_videos]`` scores,
            higher meaning more similar.
        text_to_video (array-like | torch.Tensor): ``[n_texts]`` integer
            index of the video each caption belongs to; every video needs at
            least one caption.

    Returns:
        dict[str, float]: ``t2v/R1``, ``t2v/R5``, ``t2v/R10`` (percent),
        ``t2v/MdR``, ``t2v/MnR`` (1-based; the median may end in .5), the
        same five for ``v2t/``, and ``rsum``, the sum of the six recalls.

    Raises:
        ValueError: On bad shapes, out-of-range indices, NaN scores or a
            video without captions.
        TypeError: On non-numeric ``sim`` or non-integer ``text_to_video``.
    """
    t2v_ranks, v2t_ranks = retrieval_ranks(sim, text_to_video)
    metrics = summarize_ranks(t2v_ranks, 't2v')
    metrics.update(summarize_ranks(v2t_ranks, 'v2t'))
    metrics['rsum'] = float(
        sum(metrics[f'{d}/R{k}'] for d in ('t2v', 'v2t') for k in _RECALL_KS))
    return metrics

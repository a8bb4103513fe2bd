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
  the worst rank (R@1 = 0 for more than one candidate), never rank 1, and no
  result depends on the order in which candidates are stored or on a sort's
  tie-breaking.
* Text-to-video (T2V): one rank per caption, among all ``n_videos`` videos:
  ``t2v_rank[i] = #{u : sim[i, u] >= sim[i, text_to_video[i]]}``.
* Video-to-text (V2T): one rank per video, by one of two protocols
  (``v2t_protocol``):

  - ``'video'`` (the default): the protocol of CLIP4Clip and of the
    MV-Adapter authors' code (``get_rank`` with a label matrix), which
    produced the papers' MSVD V2T numbers. In video ``v``'s column every
    video ``g`` competes with its best-scoring caption,
    ``group[g, v] = max_{j : text_to_video[j] == g} sim[j, v]``, and ``v``'s
    rank is the number of videos whose best caption scores at least as high
    as its own best caption: ``#{g : group[g, v] >= group[v, v]}``. Ranks lie
    in ``1..n_videos``.
  - ``'caption'`` (COCO style): the best rank of the video's own captions
    among *all* captions of its column,
    ``#{k : sim[k, v] >= group[v, v]}``; the other captions of the same video
    and every caption of a wrong video count separately. Ranks lie in
    ``1..n_texts``; two own captions tied at the top (duplicate captions)
    give rank 2.

  With one caption per video both protocols agree, and R@1 always agrees
  (rank 1 in either means no other caption reaches the best own one).

The MV-Adapter authors' ``get_rank`` (and CLIP4Clip's) break ties by sort
order and report MdR/MnR of 0-based ranks (one less than the 1-based ranks
here); R@K is unaffected by the 0/1 base (``rank0 < K`` iff ``rank1 <= K``).

MMAction2 1.2.0's ``RetrievalMetric`` instead pairs caption ``i`` with row
``i`` of a square matrix, i.e. it treats each caption's copy of the video as
a separate candidate; with several captions per video a perfect model then
scores R@1 < 100 (the copies tie with the correct one). The functions here do
not have that problem: a perfect model (distinct scores) scores R@1 = 100 in
both directions.

Two entry points compute the same ranks: :func:`retrieval_ranks` from a score
matrix, and :func:`feature_retrieval_ranks` from the features, block by block,
so that memory stays bounded whatever the number of texts and videos (the
score matrix is never built whole).
"""
from typing import Dict, Tuple

import numpy as np

__all__ = [
    'V2T_PROTOCOLS', 'retrieval_ranks', 'feature_retrieval_ranks',
    'summarize_ranks', 'retrieval_metrics', 'metrics_from_ranks'
]

#: The video-to-text protocols (see the module docstring).
V2T_PROTOCOLS = ('video', 'caption')

# Upper bound on the number of score-matrix elements held at once (per block
# of rows or columns): about 64 MB of float32 scores plus 16 MB of boolean
# temporaries, whatever the number of texts and videos.
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

    return sim, _check_text_to_video(text_to_video, n_texts, n_videos,
                                     'sim has {} rows (texts)')


def _check_text_to_video(text_to_video, n_texts: int, n_videos: int,
                         source: str) -> np.ndarray:
    """Validate ``text_to_video`` for ``n_texts`` captions of ``n_videos``
    videos and return it as an int64 array. ``source`` describes where
    ``n_texts`` comes from, e.g. ``'sim has {} rows (texts)'``."""
    t2v = _to_numpy(text_to_video, 'text_to_video')
    if t2v.ndim != 1:
        raise ValueError('text_to_video must be 1-D [n_texts], got shape '
                         f'{tuple(t2v.shape)}')
    if t2v.shape[0] != n_texts:
        raise ValueError(f'text_to_video has {t2v.shape[0]} entries but '
                         f'{source.format(n_texts)}; they must match')
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
    return t2v




def _check_protocol(v2t_protocol: str) -> str:
    if v2t_protocol not in V2T_PROTOCOLS:
        raise ValueError(f'v2t_protocol must be one of {V2T_PROTOCOLS}, got '
                         f'{v2t_protocol!r}')
    return v2t_protocol


class _CaptionGroups:
    """Captions sorted by their video, for per-video maxima with
    ``np.maximum.reduceat`` (every video has at least one caption, so the
    group starts are strictly increasing)."""

    def __init__(self, t2v: np.ndarray, n_videos: int) -> None:
        self.order = np.argsort(t2v, kind='stable')
        self.starts = np.searchsorted(t2v[self.order], np.arange(n_videos))

    def best(self, sorted_scores: np.ndarray) -> np.ndarray:
        """``[n_texts, c]`` scores with rows in :attr:`order` -> ``[n_videos,
        c]``: each video's best caption score in every column."""
        return np.maximum.reduceat(sorted_scores, self.starts, axis=0)


def _t2v_block_ranks(scores: np.ndarray, own_videos: np.ndarray
                     ) -> np.ndarray:
    """T2V ranks of a block of captions: ``scores`` ``[c, n_videos]`` (whole
    rows), ``own_videos`` ``[c]``."""
    own = scores[np.arange(scores.shape[0]), own_videos]
    return (scores >= own[:, None]).sum(axis=1)


def _v2t_block_ranks(sorted_scores: np.ndarray, groups: _CaptionGroups,
                     videos: np.ndarray, v2t_protocol: str) -> np.ndarray:
    """V2T ranks of a block of videos: ``sorted_scores`` ``[n_texts, c]``
    (whole columns of ``videos``, rows sorted by caption group)."""
    best = groups.best(sorted_scores)  # [n_videos, c]
    own = best[videos, np.arange(videos.size)]
    if v2t_protocol == 'video':
        return (best >= own[None, :]).sum(axis=0)
    return (sorted_scores >= own[None, :]).sum(axis=0)


def retrieval_ranks(sim, text_to_video, v2t_protocol: str = 'video'
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """Compute 1-based text-to-video and video-to-text ranks.

    Ties count against the model: the rank of the correct item is the number
    of candidates scored at least as high as it (itself included), so
    all-equal scores give the worst rank and results never depend on sort
    order. Caption ``i``'s T2V rank is taken among all videos in row ``i``.
    Video ``v``'s V2T rank follows ``v2t_protocol`` (see the module
    docstring): ``'video'`` (default; CLIP4Clip and the MV-Adapter authors)
    ranks ``v``'s own best caption score among every video's best caption
    score in column ``v``; ``'caption'`` (COCO style) ranks it among all
    captions of column ``v``.

    Runs in ``O(n_texts * n_videos)`` time, processing blocks of rows and of
    columns so that extra memory stays bounded.

    Args:
        sim (np.ndarray | torch.Tensor): ``[n_texts, n_videos]`` scores,
            higher meaning more similar. NaN is rejected.
        text_to_video (array-like | torch.Tensor): ``[n_texts]`` integer
            index of the video each caption belongs to. Every video must
            have at least one caption.
        v2t_protocol (str): ``'video'`` or ``'caption'``. Defaults to
            ``'video'``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``t2v_ranks`` (``[n_texts]``, int64,
        in ``1..n_videos``) and ``v2t_ranks`` (``[n_videos]``, int64, in
        ``1..n_videos`` for ``'video'``, ``1..n_texts`` for ``'caption'``).

    Raises:
        ValueError: On bad shapes, out-of-range indices, NaN scores, a video
            without captions or an unknown protocol.
        TypeError: On non-numeric ``sim`` or non-integer ``text_to_video``.
    """
    _check_protocol(v2t_protocol)
    sim, t2v = _check_inputs(sim, text_to_video)
    n_texts, n_videos = sim.shape
    groups = _CaptionGroups(t2v, n_videos)

    t2v_ranks = np.empty(n_texts, dtype=np.int64)
    rows = max(1, _CHUNK_ELEMENTS // n_videos)
    for start in range(0, n_texts, rows):
        stop = min(start + rows, n_texts)
        t2v_ranks[start:stop] = _t2v_block_ranks(sim[start:stop],
                                                 t2v[start:stop])
    v2t_ranks = np.empty(n_videos, dtype=np.int64)
    cols = max(1, _CHUNK_ELEMENTS // n_texts)
    for start in range(0, n_videos, cols):
        stop = min(start + cols, n_videos)
        v2t_ranks[start:stop] = _v2t_block_ranks(
            sim[groups.order, start:stop], groups, np.arange(start, stop),
            v2t_protocol)
    return t2v_ranks, v2t_ranks


def _check_features(x, name: str) -> np.ndarray:
    x = _to_numpy(x, name)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f'{name} must be a 2-D [n, D] array with n >= 1, got '
                         f'shape {tuple(x.shape)}')
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f'{name} must hold floating-point numbers, got '
                        f'dtype {x.dtype}')
    if np.isnan(x).any():
        raise ValueError(f'{name} contains NaN (row '
                         f'{np.nonzero(np.isnan(x).any(axis=1))[0][0]})')
    return x


def feature_retrieval_ranks(text, video, text_to_video,
                            v2t_protocol: str = 'video'
                            ) -> Tuple[np.ndarray, np.ndarray]:
    """:func:`retrieval_ranks` of ``sim = text @ video.T``, computed from
    the features block by block without ever holding the whole score matrix.

    Each block of scores is one matrix product: T2V ranks come from blocks of
    whole rows and V2T ranks from blocks of whole columns, so every rank
    compares scores of the same product (ties stay exact ties). Extra memory
    is about ``_CHUNK_ELEMENTS`` scores plus one copy of ``text``; time is
    two ``n_texts x n_videos x D`` products.

    Args:
        text (np.ndarray | torch.Tensor): ``[n_texts, D]`` caption features.
        video (np.ndarray | torch.Tensor): ``[n_videos, D]`` video features
            (the score is the plain dot product: normalise beforehand for
            cosine similarity).
        text_to_video (array-like | torch.Tensor): ``[n_texts]`` video index
            of every caption; every video needs at least one caption.
        v2t_protocol (str): ``'video'`` (default) or ``'caption'``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``t2v_ranks`` and ``v2t_ranks`` as in
        :func:`retrieval_ranks`.
    """
    _check_protocol(v2t_protocol)
    text = _check_features(text, 'text')
    video = _check_features(video, 'video')
    if text.shape[1] != video.shape[1]:
        raise ValueError(f'text features have D={text.shape[1]} but video '
                         f'features D={video.shape[1]}')
    dtype = np.result_type(text.dtype, video.dtype, np.float32)
    text, video = text.astype(dtype, copy=False), video.astype(dtype,
                                                               copy=False)
    n_texts, n_videos = text.shape[0], video.shape[0]
    t2v = _check_text_to_video(text_to_video, n_texts, n_videos,
                               'there are {} text features')
    groups = _CaptionGroups(t2v, n_videos)

    t2v_ranks = np.empty(n_texts, dtype=np.int64)
    rows = max(1, _CHUNK_ELEMENTS // n_videos)
    for start in range(0, n_texts, rows):
        stop = min(start + rows, n_texts)
        t2v_ranks[start:stop] = _t2v_block_ranks(text[start:stop] @ video.T,
                                                 t2v[start:stop])
    sorted_text = text[groups.order]
    v2t_ranks = np.empty(n_videos, dtype=np.int64)
    cols = max(1, _CHUNK_ELEMENTS // n_texts)
    for start in range(0, n_videos, cols):
        stop = min(start + cols, n_videos)
        v2t_ranks[start:stop] = _v2t_block_ranks(
            sorted_text @ video[start:stop].T, groups,
            np.arange(start, stop), v2t_protocol)
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


def metrics_from_ranks(t2v_ranks, v2t_ranks) -> Dict[str, float]:
    """The metric dict of :func:`retrieval_metrics` from ranks (e.g. those of
    :func:`feature_retrieval_ranks`)."""
    metrics = summarize_ranks(t2v_ranks, 't2v')
    metrics.update(summarize_ranks(v2t_ranks, 'v2t'))
    metrics['rsum'] = float(
        sum(metrics[f'{d}/R{k}'] for d in ('t2v', 'v2t') for k in _RECALL_KS))
    return metrics


def retrieval_metrics(sim, text_to_video,
                      v2t_protocol: str = 'video') -> Dict[str, float]:
    """Text-to-video and video-to-text retrieval metrics.

    Ranks follow :func:`retrieval_ranks`:

    * **Ties count against the model**: a caption's T2V rank is the number of
      videos scored at least as high as its own video (own included), so a
      collapsed model with all-equal scores gets the worst rank (R@1 = 0),
      never rank 1, and results never depend on sort order or on how the
      gallery is ordered.
    * **Multi-caption V2T**, by ``v2t_protocol``: ``'video'`` (default, the
      protocol of CLIP4Clip and of the MV-Adapter authors' code, which
      produced the papers' MSVD V2T numbers): every video competes with its
      best-scoring caption, and a video's rank is the number of videos whose
      best caption scores at least as high as its own best caption;
      ``'caption'`` (COCO style): the best rank of its own captions among all
      captions of its column. With one caption per video both agree, and
      R@1 always agrees; R@5/R@10/MdR/MnR differ on multi-caption test sets
      such as MSVD.

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
        v2t_protocol (str): ``'video'`` or ``'caption'``. Defaults to
            ``'video'``.

    Returns:
        dict[str, float]: ``t2v/R1``, ``t2v/R5``, ``t2v/R10`` (percent),
        ``t2v/MdR``, ``t2v/MnR`` (1-based; the median may end in .5), the
        same five for ``v2t/``, and ``rsum``, the sum of the six recalls.

    Raises:
        ValueError: On bad shapes, out-of-range indices, NaN scores, a video
            without captions or an unknown protocol.
        TypeError: On non-numeric ``sim`` or non-integer ``text_to_video``.
    """
    return metrics_from_ranks(*retrieval_ranks(sim, text_to_video,
                                               v2t_protocol))

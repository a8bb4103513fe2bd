"""Tests for mvadapt.evaluation.functional.retrieval."""
import numpy as np
import pytest
import torch

from mvadapt.evaluation.functional import (feature_retrieval_ranks,
                                           metrics_from_ranks,
                                           retrieval_metrics,
                                           retrieval_ranks, summarize_ranks)
from mvadapt.evaluation.functional import retrieval as retrieval_mod

METRIC_KEYS = {
    f'{d}/{m}'
    for d in ('t2v', 'v2t') for m in ('R1', 'R5', 'R10', 'MdR', 'MnR')
} | {'rsum'}

# 3 videos, 5 captions; captions 0,1 -> video 0, caption 2 -> video 1,
# captions 3,4 -> video 2.
#                 v0    v1    v2
HAND_SIM = np.array([
    [0.90, 0.60, 0.95],  # c0 (v0)
    [0.30, 0.50, 0.30],  # c1 (v0)
    [0.20, 0.60, 0.60],  # c2 (v1)
    [0.10, 0.20, 0.70],  # c3 (v2)
    [0.80, 0.10, 0.40],  # c4 (v2)
])
HAND_T2V = np.array([0, 0, 1, 2, 2])
# T2V rank = #videos in the caption's row scored >= its own video:
#   c0: own 0.90; {0.90, 0.95}        -> 2
#   c1: own 0.30; {0.30, 0.50, 0.30}  -> 3  (tie with v2 counts against)
#   c2: own 0.60; {0.60, 0.60}        -> 2  (tie with v2 counts against)
#   c3: own 0.70; {0.70}              -> 1
#   c4: own 0.40; {0.80, 0.40}        -> 2
HAND_T2V_RANKS = [2, 3, 2, 1, 2]
# V2T, 'caption' protocol: #captions in the video's column scored >= its best
# own caption:
#   v0: column [.90 .30 .20 .10 .80], best own = c0 0.90; {c0}      -> 1
#   v1: column [.60 .50 .60 .20 .10], best own = c2 0.60; {c0, c2}  -> 2
#   v2: column [.95 .30 .60 .70 .40], best own = c3 0.70; {c0, c3}  -> 2
# V2T, 'video' protocol: #videos whose best caption in the column scores >=
# the video's own best caption (video maxima per column):
#   v0: {v0: .90, v1: .20, v2: .80}, own .90 -> 1
#   v1: {v0: .60, v1: .60, v2: .20}, own .60 -> 2 (tie with v0 counts)
#   v2: {v0: .95, v1: .60, v2: .70}, own .70 -> 2
HAND_V2T_RANKS = [1, 2, 2]


def brute_force_ranks(sim, t2v, protocol='video'):
    """Literal, loop-based definitions (O(n^3)) used as a reference."""
    sim = np.asarray(sim, dtype=np.float64)
    n_texts, n_videos = sim.shape
    t2v_ranks = [int((sim[i] >= sim[i, t2v[i]]).sum()) for i in range(n_texts)]
    v2t_ranks = []
    for v in range(n_videos):
        own = [j for j in range(n_texts) if t2v[j] == v]
        best = None
        if protocol == 'video':
            # every video g competes with its best caption in column v
            best_of = {g: max(sim[k, v] for k in range(n_texts)
                              if t2v[k] == g) for g in range(n_videos)}
            mine = max(sim[j, v] for j in own)
            best = sum(1 for g in range(n_videos) if best_of[g] >= mine)
        else:
            for j in own:
                # caption j among ALL captions of column v (own ones
                # included): every caption scored >= sim[j, v] counts.
                rank = sum(1 for k in range(n_texts)
                           if sim[k, v] >= sim[j, v])
                best = rank if best is None else min(best, rank)
        v2t_ranks.append(best)
    return np.array(t2v_ranks), np.array(v2t_ranks)


@pytest.mark.parametrize('protocol', ['video', 'caption'])
def test_hand_computed_ranks(protocol):
    t2v_ranks, v2t_ranks = retrieval_ranks(HAND_SIM, HAND_T2V, protocol)
    assert t2v_ranks.tolist() == HAND_T2V_RANKS
    assert v2t_ranks.tolist() == HAND_V2T_RANKS
    assert t2v_ranks.dtype == np.int64 and v2t_ranks.dtype == np.int64


def test_hand_computed_metrics():
    m = retrieval_metrics(HAND_SIM, HAND_T2V)
    assert set(m) == METRIC_KEYS
    assert all(isinstance(v, float) for v in m.values())
    # t2v ranks [2, 3, 2, 1, 2]
    assert m['t2v/R1'] == pytest.approx(20.0)
    assert m['t2v/R5'] == pytest.approx(100.0)
    assert m['t2v/R10'] == pytest.approx(100.0)
    assert m['t2v/MdR'] == 2.0
    assert m['t2v/MnR'] == pytest.approx(2.0)
    # v2t ranks [1, 2, 2]
    assert m['v2t/R1'] == pytest.approx(100 / 3)
    assert m['v2t/R5'] == pytest.approx(100.0)
    assert m['v2t/R10'] == pytest.approx(100.0)
    assert m['v2t/MdR'] == 2.0
    assert m['v2t/MnR'] == pytest.approx(5 / 3)
    assert m['rsum'] == pytest.approx(20 + 100 + 100 + 100 / 3 + 100 + 100)


def test_median_can_be_half():
    assert summarize_ranks([1, 2], 'x')['x/MdR'] == 1.5
    s = summarize_ranks(np.array([1, 5, 10, 11]))
    assert s == {'R1': 25.0, 'R5': 50.0, 'R10': 75.0, 'MdR': 7.5,
                 'MnR': 6.75}
    assert set(summarize_ranks([1], 'a/b/')) == {
        'a/b/R1', 'a/b/R5', 'a/b/R10', 'a/b/MdR', 'a/b/MnR'}


def test_v2t_protocols_differ_on_multi_caption_competitors():
    # Video 0's only caption scores 0.5; video 1's two captions both score
    # higher in video 0's column. 'caption' counts each of them: rank 3;
    # 'video' (the default, CLIP4Clip's) counts video 1 once: rank 2.
    sim = np.array([[0.5, 0.0], [0.6, 0.9], [0.7, 0.8]])
    _, v2t = retrieval_ranks(sim, [0, 1, 1], v2t_protocol='caption')
    assert v2t.tolist() == [3, 1]
    _, v2t = retrieval_ranks(sim, [0, 1, 1])
    assert v2t.tolist() == [2, 1]
    assert retrieval_metrics(sim, [0, 1, 1])['v2t/MnR'] == 1.5
    assert retrieval_metrics(sim, [0, 1, 1],
                             v2t_protocol='caption')['v2t/MnR'] == 2.0


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError, match="v2t_protocol must be one of"):
        retrieval_ranks(HAND_SIM, HAND_T2V, v2t_protocol='coco')


def authors_get_rank_v2t(sim, t2v):
    """The MV-Adapter authors' V2T ranking (their ``get_rank`` with a label
    matrix, re-derived): column ``g`` of the video-by-video matrix is the
    best score of video ``g``'s captions against each query video, ranks are
    0-based positions of a descending sort."""
    sim = torch.as_tensor(sim)
    v2t_logits = sim.T  # [n_videos, n_texts]
    cols = [v2t_logits[:, torch.as_tensor(t2v) == g].max(dim=-1,
                                                          keepdim=True)[0]
            for g in range(sim.shape[1])]
    logits = torch.cat(cols, dim=1)
    _, idx = logits.sort(dim=1, descending=True)
    _, rank = idx.sort(dim=1)
    return rank[torch.arange(rank.shape[0]), torch.arange(rank.shape[0])]


@pytest.mark.parametrize('seed', range(3))
def test_video_protocol_matches_the_authors_get_rank(seed):
    # Continuous scores (no ties): the authors' 0-based ranks are ours - 1.
    rng = np.random.default_rng(seed)
    n_videos = 12
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, size=40)])
    sim = rng.standard_normal((len(t2v), n_videos))
    _, ours = retrieval_ranks(sim, t2v)
    theirs = authors_get_rank_v2t(sim, t2v).numpy()
    np.testing.assert_array_equal(ours - 1, theirs)
    _, caption = retrieval_ranks(sim, t2v, v2t_protocol='caption')
    assert (caption >= ours).all() and (caption > ours).any()


def test_duplicate_own_captions_tie_against_the_model():
    # Video 0 has two identical captions (same scores); they tie at the top
    # of column 0: the literal 'caption' rule (ties count against) gives
    # rank 2; under 'video' the video competes once with its best: rank 1.
    sim = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.8]])
    _, v2t = retrieval_ranks(sim, [0, 0, 1], v2t_protocol='caption')
    assert v2t.tolist() == [2, 1]
    _, v2t = retrieval_ranks(sim, [0, 0, 1])
    assert v2t.tolist() == [1, 1]
    # A tie with another video's caption counts against the model in both:
    # all three captions of column 0 score 0.9 -> rank 3 by caption, 2 by
    # video.
    sim = np.array([[0.9, 0.1], [0.9, 0.1], [0.9, 0.8]])
    _, v2t = retrieval_ranks(sim, [0, 0, 1], v2t_protocol='caption')
    assert v2t.tolist() == [3, 1]
    _, v2t = retrieval_ranks(sim, [0, 0, 1])
    assert v2t.tolist() == [2, 1]
    # Distinct own scores at the top: rank 1 (the lower own caption does
    # not hurt), T2V unaffected by either case.
    sim = np.array([[0.9, 0.1], [0.89, 0.1], [0.2, 0.8]])
    for protocol in ('video', 'caption'):
        t2v_r, v2t = retrieval_ranks(sim, [0, 0, 1], v2t_protocol=protocol)
        assert v2t.tolist() == [1, 1] and t2v_r.tolist() == [1, 1, 1]


def perfect_model(n_videos=4, captions_per_video=(3, 1, 2, 4), seed=0):
    """Video and caption features where each caption is closest to its own
    video and each video closest to its own (distinct) captions."""
    rng = np.random.default_rng(seed)
    video = np.eye(n_videos)
    text, t2v = [], []
    for v, n in enumerate(captions_per_video):
        for _ in range(n):
            f = video[v] + 0.05 * rng.standard_normal(n_videos)
            text.append(f / np.linalg.norm(f))
            t2v.append(v)
    return np.stack(text), video, np.array(t2v)


def test_perfect_model_multi_caption_scores_100():
    text, video, t2v = perfect_model()
    m = retrieval_metrics(text @ video.T, t2v)
    for d in ('t2v', 'v2t'):
        assert m[f'{d}/R1'] == 100.0
        assert m[f'{d}/MdR'] == 1.0
        assert m[f'{d}/MnR'] == 1.0
    assert m['rsum'] == 600.0


def perfect_sim(captions_per_video=(3, 1, 2, 4)):
    """Score matrix of a perfect model with distinct own-caption scores:
    video v's captions score 0.9, 0.89, ... with v, every other pair 0.1."""
    t2v = np.repeat(np.arange(len(captions_per_video)), captions_per_video)
    sim = np.full((len(t2v), len(captions_per_video)), 0.1)
    for v, n in enumerate(captions_per_video):
        own = np.nonzero(t2v == v)[0]
        sim[own, v] = 0.9 - 0.01 * np.arange(n)
    return sim, t2v


def test_perfect_sim_distinct_own_scores_100():
    sim, t2v = perfect_sim()
    t2v_ranks, v2t_ranks = retrieval_ranks(sim, t2v)
    assert (t2v_ranks == 1).all() and (v2t_ranks == 1).all()
    m = retrieval_metrics(sim, t2v)
    assert m['t2v/R1'] == 100.0 and m['v2t/R1'] == 100.0
    assert m['rsum'] == 600.0


def test_duplicate_own_captions_give_caption_protocol_rank_2():
    # Exactly duplicated captions (identical features) of a perfect model:
    # T2V stays perfect, but each video with >= 2 captions has its top own
    # scores tied -> 'caption' V2T rank = number of own captions (2 for a
    # pair); 'video' V2T is perfect (each video competes once).
    _, video, t2v = perfect_model()
    counts = np.bincount(t2v)  # (3, 1, 2, 4)
    sim = video[t2v] @ video.T
    t2v_ranks, v2t_ranks = retrieval_ranks(sim, t2v, v2t_protocol='caption')
    assert (t2v_ranks == 1).all()
    assert v2t_ranks.tolist() == counts.tolist() == [3, 1, 2, 4]
    assert (retrieval_ranks(sim, t2v)[1] == 1).all()
    # Exactly two duplicate own captions -> rank 2.
    pair = np.array([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9]])
    _, v2t = retrieval_ranks(pair, [0, 0, 1], v2t_protocol='caption')
    assert v2t.tolist() == [2, 1]
    m = retrieval_metrics(sim, t2v, v2t_protocol='caption')
    assert m['t2v/R1'] == 100.0 and m['v2t/R1'] == 25.0
    assert retrieval_metrics(sim, t2v)['v2t/R1'] == 100.0


def test_mmaction_definition_penalises_perfect_multi_caption_model():
    """MMAction2 1.2.0 pairs caption i with a copy of its video in row i of a
    square matrix, so copies of the correct video tie and R@1 < 100."""
    import mvadapt  # noqa: F401  (compat fixes before importing mmaction)
    from mmaction.evaluation.metrics import \
        RetrievalMetric as MMActionRetrievalMetric
    text, video, t2v = perfect_model()
    metric = MMActionRetrievalMetric()
    metric.process(None, [
        dict(features=dict(video_feature=torch.from_numpy(video[v]),
                           text_feature=torch.from_numpy(text[i])))
        for i, v in enumerate(t2v)
    ])
    theirs = metric.compute_metrics(metric.results)
    assert theirs['R1'] < 100.0
    assert retrieval_metrics(text @ video.T, t2v)['t2v/R1'] == 100.0


@pytest.mark.parametrize('protocol', ['video', 'caption'])
@pytest.mark.parametrize('n_videos,t2v', [(1, [0]), (3, [0, 1, 2]),
                                          (3, [0, 0, 1, 2, 2, 2])])
def test_all_equal_scores_give_worst_rank(n_videos, t2v, protocol):
    n_texts = len(t2v)
    sim = np.full((n_texts, n_videos), 0.3, dtype=np.float32)
    t2v_ranks, v2t_ranks = retrieval_ranks(sim, t2v, protocol)
    assert (t2v_ranks == n_videos).all()
    # everything ties, own included -> the worst rank: n_videos competing
    # videos, or n_texts competing captions.
    worst = n_videos if protocol == 'video' else n_texts
    assert (v2t_ranks == worst).all()
    m = retrieval_metrics(sim, t2v, protocol)
    assert m['t2v/MdR'] == n_videos
    assert m['t2v/MnR'] == n_videos
    assert m['v2t/MdR'] == worst
    assert m['v2t/MnR'] == worst
    if n_videos > 1:
        assert m['t2v/R1'] == 0.0
        assert m['v2t/R1'] == 0.0
    else:
        assert m['t2v/R1'] == 100.0
        assert m['v2t/R1'] == 100.0


def test_square_one_caption_per_video_all_equal():
    n = 7
    m = retrieval_metrics(np.zeros((n, n)), np.arange(n))
    for d in ('t2v', 'v2t'):
        assert m[f'{d}/R1'] == 0.0
        assert m[f'{d}/R5'] == 0.0
        assert m[f'{d}/R10'] == 100.0
        assert m[f'{d}/MdR'] == n


@pytest.mark.parametrize('protocol', ['video', 'caption'])
@pytest.mark.parametrize('seed', range(5))
def test_matches_brute_force_with_ties(seed, protocol):
    rng = np.random.default_rng(seed)
    n_videos = 6
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, size=9)])
    # small integer scores -> many ties
    sim = rng.integers(0, 4, size=(len(t2v), n_videos)).astype(np.float64)
    ref_t2v, ref_v2t = brute_force_ranks(sim, t2v, protocol)
    got_t2v, got_v2t = retrieval_ranks(sim, t2v, protocol)
    np.testing.assert_array_equal(got_t2v, ref_t2v)
    np.testing.assert_array_equal(got_v2t, ref_v2t)


@pytest.mark.parametrize('protocol', ['video', 'caption'])
def test_chunking_does_not_change_result(monkeypatch, protocol):
    rng = np.random.default_rng(1)
    t2v = np.concatenate([np.arange(10), rng.integers(0, 10, size=37)])
    sim = rng.integers(0, 5, size=(len(t2v), 10)).astype(np.float32)
    full = retrieval_ranks(sim, t2v, protocol)
    # 2-row and 1-column blocks
    monkeypatch.setattr(retrieval_mod, '_CHUNK_ELEMENTS', 25)
    chunked = retrieval_ranks(sim, t2v, protocol)
    np.testing.assert_array_equal(full[0], chunked[0])
    np.testing.assert_array_equal(full[1], chunked[1])


@pytest.mark.parametrize('protocol', ['video', 'caption'])
def test_permutation_invariance(protocol):
    rng = np.random.default_rng(3)
    n_videos = 8
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, size=20)])
    sim = np.round(rng.random((len(t2v), n_videos)), 1)  # with ties
    ref = retrieval_metrics(sim, t2v, protocol)
    ref_t2v, ref_v2t = retrieval_ranks(sim, t2v, protocol)
    for _ in range(5):
        pt = rng.permutation(len(t2v))  # new row i = old caption pt[i]
        pv = rng.permutation(n_videos)  # new column c = old video pv[c]
        inv_pv = np.argsort(pv)
        sim2 = sim[pt][:, pv]
        t2v2 = inv_pv[t2v[pt]]
        assert retrieval_metrics(sim2, t2v2, protocol) == ref
        r_t2v, r_v2t = retrieval_ranks(sim2, t2v2, protocol)
        np.testing.assert_array_equal(r_t2v, ref_t2v[pt])
        np.testing.assert_array_equal(r_v2t, ref_v2t[pv])


def test_torch_and_numpy_inputs_agree():
    rng = np.random.default_rng(4)
    t2v = np.array([0, 1, 2, 3, 0, 2])
    sim = rng.random((6, 4)).astype(np.float32)
    ref = retrieval_metrics(sim, t2v)
    assert retrieval_metrics(torch.from_numpy(sim),
                             torch.from_numpy(t2v)) == ref
    assert retrieval_metrics(sim.tolist(), t2v.tolist()) == ref
    assert retrieval_metrics(torch.from_numpy(sim).double(), t2v) == ref
    # bfloat16/half are accepted (converted to float32)
    half = retrieval_metrics(torch.from_numpy(sim).half(), t2v)
    assert set(half) == METRIC_KEYS
    # integer scores work too
    assert set(retrieval_metrics(np.eye(4, dtype=np.int64), np.arange(4))) \
        == METRIC_KEYS


@pytest.mark.parametrize('sim,t2v,exc,match', [
    (np.zeros(3), [0, 1, 2], ValueError, '2-D'),
    (np.zeros((0, 3)), [], ValueError, 'at least one'),
    (np.zeros((3, 0)), [0, 0, 0], ValueError, 'at least one'),
    (np.zeros((3, 2)), [0, 1], ValueError, 'has 2 entries but sim has 3'),
    (np.zeros((2, 2)), [[0, 1]], ValueError, '1-D'),
    (np.zeros((2, 2)), [0.0, 1.0], TypeError, 'integer'),
    (np.zeros((2, 2)), [0, 2], ValueError, r'text_to_video\[1\] = 2'),
    (np.zeros((2, 2)), [-1, 1], ValueError, 'out of range'),
    (np.zeros((3, 3)), [0, 0, 2], ValueError, 'video 1 has no caption'),
    (np.array([[0.0, np.nan]]), [0], ValueError, 'NaN'),
    (np.array([['a', 'b']]), [0], TypeError, 'real numbers'),
])
def test_bad_inputs(sim, t2v, exc, match):
    with pytest.raises(exc, match=match):
        retrieval_metrics(sim, t2v)


def test_summarize_ranks_bad_inputs():
    with pytest.raises(ValueError, match='empty'):
        summarize_ranks([], 't2v')
    with pytest.raises(ValueError, match='1-based'):
        summarize_ranks([0, 1], 't2v')
    with pytest.raises(ValueError, match='1-D'):
        summarize_ranks([[1, 2]], 't2v')


def test_large_input_is_fast_and_bounded():
    # MSVD-like shape: 60k captions x 1k videos, float32.
    rng = np.random.default_rng(0)
    n_videos, n_texts = 1000, 60000
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, n_texts - n_videos)])
    sim = rng.random((n_texts, n_videos), dtype=np.float32)
    sim[np.arange(n_texts), t2v] += 1.0  # perfect
    m = retrieval_metrics(sim, t2v)
    assert m['t2v/R1'] == 100.0 and m['v2t/R1'] == 100.0


def exact_features(rng, n, dim=8):
    """Features whose dot products are exact in float32 whatever the
    summation order (small integers), with many ties."""
    return rng.integers(-2, 3, size=(n, dim)).astype(np.float32)


@pytest.mark.parametrize('protocol', ['video', 'caption'])
@pytest.mark.parametrize('chunk', [1 << 24, 7, 1])
def test_feature_ranks_equal_matrix_ranks(monkeypatch, protocol, chunk):
    rng = np.random.default_rng(5)
    n_videos = 9
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, size=30)])
    rng.shuffle(t2v)  # captions of a video need not be contiguous
    text, video = exact_features(rng, len(t2v)), exact_features(rng, n_videos)
    ref = retrieval_ranks(text @ video.T, t2v, protocol)
    monkeypatch.setattr(retrieval_mod, '_CHUNK_ELEMENTS', chunk)
    got = feature_retrieval_ranks(text, video, t2v, protocol)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])
    assert metrics_from_ranks(*got) == retrieval_metrics(text @ video.T, t2v,
                                                         protocol)


def test_feature_ranks_accept_torch_and_half():
    rng = np.random.default_rng(6)
    text, video = exact_features(rng, 12), exact_features(rng, 5)
    t2v = np.arange(12) % 5
    ref = feature_retrieval_ranks(text, video, t2v)
    got = feature_retrieval_ranks(torch.from_numpy(text).half(),
                                  torch.from_numpy(video), torch.tensor(t2v))
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


@pytest.mark.parametrize('text,video,t2v,exc,match', [
    (np.zeros((3, 4)), np.zeros((2, 5)), [0, 1, 1], ValueError, 'D=4'),
    (np.zeros(4), np.zeros((2, 4)), [0], ValueError, '2-D'),
    (np.zeros((2, 4), int), np.zeros((2, 4)), [0, 1], TypeError, 'floating'),
    (np.full((2, 4), np.nan), np.zeros((2, 4)), [0, 1], ValueError, 'NaN'),
    (np.zeros((3, 4)), np.zeros((2, 4)), [0, 1], ValueError,
     'has 2 entries but there are 3 text features'),
    (np.zeros((2, 4)), np.zeros((3, 4)), [0, 1], ValueError,
     'video 2 has no caption'),
])
def test_feature_ranks_bad_inputs(text, video, t2v, exc, match):
    with pytest.raises(exc, match=match):
        feature_retrieval_ranks(text, video, t2v)


def test_feature_ranks_memory_is_bounded(monkeypatch):
    """20k captions x 4k videos: the score matrix alone would take 320 MB;
    with 1M-element blocks the peak stays near one block and the features."""
    import tracemalloc
    rng = np.random.default_rng(7)
    n_texts, n_videos, dim = 20000, 4000, 16
    video = rng.standard_normal((n_videos, dim)).astype(np.float32)
    t2v = np.concatenate([np.arange(n_videos),
                          rng.integers(0, n_videos, n_texts - n_videos)])
    text = (video[t2v] + 0.1 * rng.standard_normal((n_texts, dim))
            ).astype(np.float32)
    monkeypatch.setattr(retrieval_mod, '_CHUNK_ELEMENTS', 1 << 20)
    tracemalloc.start()
    try:
        t2v_ranks, v2t_ranks = feature_retrieval_ranks(text, video, t2v)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40e6, f'peak {peak / 1e6:.0f} MB'
    assert t2v_ranks.shape == (n_texts, ) and v2t_ranks.shape == (n_videos, )
    assert np.mean(t2v_ranks == 1) > 0.5  # the near-own video mostly wins


def test_feature_ranks_1k_by_1k_is_fast():
    import time
    rng = np.random.default_rng(8)
    text = rng.standard_normal((1000, 512)).astype(np.float32)
    video = rng.standard_normal((1000, 512)).astype(np.float32)
    t2v = np.arange(1000)
    best = float('inf')
    for _ in range(5):
        start = time.perf_counter()
        feature_retrieval_ranks(text, video, t2v)
        best = min(best, time.perf_counter() - start)
    # measured about 0.03 s on a 2-core CPU; the bound leaves room for a
    # loaded machine
    assert best < 0.25, f'{best:.3f} s'

"""Tests for mvadapt.evaluation.metrics.RetrievalMetric."""
import json

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator
from mmengine.logging import MMLogger

from mvadapt.evaluation import RetrievalMetric, retrieval_metrics
from mvadapt.registry import METRICS

# Same hand-computed case as in test_retrieval_functional.py. With video
# features = identity (D = 3) and caption features = the rows below, the
# score matrix text @ video.T is exactly this matrix.
#                 v0    v1    v2
HAND_SIM = np.array([
    [0.90, 0.60, 0.95],  # c0 (video0.mp4, caption 0)
    [0.30, 0.50, 0.30],  # c1 (video0.mp4, caption 1)
    [0.20, 0.60, 0.60],  # c2 (video1.mp4, caption 0)
    [0.10, 0.20, 0.70],  # c3 (video2.mp4, caption 0)
    [0.80, 0.10, 0.40],  # c4 (video2.mp4, caption 1)
], dtype=np.float32)
HAND_T2V = np.array([0, 0, 1, 2, 2])
HAND_KEYS = ['video0.mp4', 'video1.mp4', 'video2.mp4']
# Expected ranks (see test_retrieval_functional.py for the derivation):
#   t2v ranks per caption: c0 2, c1 3, c2 2, c3 1, c4 2
#   v2t ranks per video:   v0 1, v1 2, v2 2


def make_sample(key, video_feature, text_feature):
    sample = ActionDataSample()
    sample.set_metainfo(dict(video_key=key))
    sample.set_field(torch.as_tensor(video_feature), 'video_feature',
                     dtype=torch.Tensor)
    sample.set_field(torch.as_tensor(text_feature), 'text_feature',
                     dtype=torch.Tensor)
    return sample


def hand_samples():
    video = torch.eye(3)
    text = torch.from_numpy(HAND_SIM)
    return [
        make_sample(key, video[v], text[HAND_T2V == v])
        for v, key in enumerate(HAND_KEYS)
    ]


def random_samples(n_videos=6, dim=8, seed=0, prefix='video'):
    rng = np.random.default_rng(seed)
    samples = []
    for v in range(n_videos):
        n_i = int(rng.integers(1, 4))
        video = rng.standard_normal(dim).astype(np.float32)
        text = rng.standard_normal((n_i, dim)).astype(np.float32)
        video /= np.linalg.norm(video)
        text /= np.linalg.norm(text, axis=1, keepdims=True)
        samples.append(make_sample(f'{prefix}{v}.mp4', video, text))
    return samples


def run_metric(metric, samples, batch_size=2, as_dict=False):
    for i in range(0, len(samples), batch_size):
        batch = samples[i:i + batch_size]
        if as_dict:
            batch = [s.to_dict() for s in batch]
        metric.process(None, batch)
    return metric.compute_metrics(metric.results)


def write_json(path, obj):
    path.write_text(json.dumps(obj))
    return str(path)


def test_hand_computed_end_to_end():
    m = run_metric(RetrievalMetric(), hand_samples())
    assert m['t2v/R1'] == pytest.approx(20.0)
    assert m['t2v/MdR'] == 2.0
    assert m['t2v/MnR'] == pytest.approx(2.0)
    assert m['v2t/R1'] == pytest.approx(100 / 3)
    assert m['v2t/MdR'] == 2.0
    assert m['v2t/MnR'] == pytest.approx(5 / 3)
    assert m == retrieval_metrics(HAND_SIM, HAND_T2V)


@pytest.mark.parametrize('as_dict', [False, True])
def test_matches_functional_on_random_features(as_dict):
    samples = random_samples()
    m = run_metric(RetrievalMetric(), samples, batch_size=4, as_dict=as_dict)
    video = torch.stack([s.video_feature for s in samples])
    text = torch.cat([s.text_feature for s in samples])
    t2v = np.concatenate([[v] * len(s.text_feature)
                          for v, s in enumerate(samples)])
    assert m == retrieval_metrics((text @ video.T).numpy(), t2v)


def test_results_are_cpu_float32_copies():
    metric = RetrievalMetric()
    sample = make_sample('a.mp4', torch.ones(4, dtype=torch.float64),
                         torch.ones(2, 4, dtype=torch.float64))
    metric.process(None, [sample])
    res = metric.results[0]
    assert res['video_key'] == 'a.mp4'
    assert res['video_feature'].dtype == torch.float32
    assert res['text_feature'].shape == (2, 4)
    assert res['video_feature'].device.type == 'cpu'


def test_perfect_model_multi_caption():
    # Video v's captions score 0.9, 0.89, ... with v (distinct) and 0 with
    # every other video.
    video = torch.eye(4)
    samples = [
        make_sample(f'v{v}', video[v],
                    (0.9 - 0.01 * torch.arange(n))[:, None] * video[v])
        for v, n in enumerate([3, 1, 2, 4])
    ]
    m = run_metric(RetrievalMetric(), samples)
    assert m['t2v/R1'] == 100.0 and m['v2t/R1'] == 100.0
    assert m['t2v/MnR'] == 1.0 and m['v2t/MnR'] == 1.0
    assert m['rsum'] == 600.0


def test_duplicate_own_captions_tie_against_the_model():
    # Each caption equals its own video's feature: exact duplicates tie at
    # the top of the video's column, so they count against it.
    video = torch.eye(3)
    samples = [make_sample(f'v{v}', video[v], video[v].repeat(n, 1))
               for v, n in enumerate([2, 1, 1])]
    m = run_metric(RetrievalMetric(v2t_protocol='caption'), samples)
    assert m['t2v/R1'] == 100.0
    # v2t ranks [2, 1, 1]: the video with two duplicate captions gets rank 2
    assert m['v2t/R1'] == pytest.approx(200 / 3)
    assert m['v2t/MnR'] == pytest.approx(4 / 3)
    # the default 'video' protocol: each video competes once -> all rank 1
    m = run_metric(RetrievalMetric(), samples)
    assert m['v2t/R1'] == 100.0 and m['v2t/MnR'] == 1.0


def test_all_equal_scores():
    samples = [make_sample(f'v{v}', torch.ones(2) / 2**0.5,
                           torch.ones(2, 2) / 2**0.5) for v in range(5)]
    m = run_metric(RetrievalMetric(v2t_protocol='caption'), samples)
    assert m['t2v/R1'] == 0.0
    assert m['t2v/MdR'] == 5.0
    assert m['v2t/R1'] == 0.0
    # own captions tie too -> worst rank n_texts = 10
    assert m['v2t/MdR'] == 10.0 and m['v2t/MnR'] == 10.0
    # 'video' protocol: all 5 videos tie -> worst rank n_videos = 5
    m = run_metric(RetrievalMetric(), samples)
    assert m['v2t/R1'] == 0.0
    assert m['v2t/MdR'] == 5.0 and m['v2t/MnR'] == 5.0


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError, match='v2t_protocol must be one of'):
        RetrievalMetric(v2t_protocol='coco')


def test_video_order_invariance():
    samples = random_samples(n_videos=7, seed=3)
    ref = run_metric(RetrievalMetric(), samples)
    perm = np.random.default_rng(0).permutation(len(samples))
    assert run_metric(RetrievalMetric(), [samples[i] for i in perm]) == ref


def test_subsets(tmp_path):
    subset_file = write_json(tmp_path / 'subsets.json', {
        'direction_sensitive': {
            'video0.mp4': [1],
            'video2.mp4': [0, 1]
        },
        'one': {
            'video1.mp4': [0]
        },
    })
    m = run_metric(RetrievalMetric(subset_file=subset_file), hand_samples())
    # direction_sensitive captions: c1 (rank 3), c3 (rank 1), c4 (rank 2)
    assert m['direction_sensitive/t2v/R1'] == pytest.approx(100 / 3)
    assert m['direction_sensitive/t2v/R5'] == 100.0
    assert m['direction_sensitive/t2v/R10'] == 100.0
    assert m['direction_sensitive/t2v/MdR'] == 2.0
    assert m['direction_sensitive/t2v/MnR'] == 2.0
    # its videos: video0 (rank 1), video2 (rank 2) among all captions
    assert m['direction_sensitive/v2t/R1'] == 50.0
    assert m['direction_sensitive/v2t/MdR'] == 1.5
    assert m['direction_sensitive/v2t/MnR'] == 1.5
    # subset 'one': caption c2 (rank 2), video1 (rank 2)
    assert m['one/t2v/R1'] == 0.0 and m['one/t2v/MdR'] == 2.0
    assert m['one/v2t/R1'] == 0.0 and m['one/v2t/MdR'] == 2.0
    # full-gallery metrics are unchanged by subsets
    full = retrieval_metrics(HAND_SIM, HAND_T2V)
    assert {k: m[k] for k in full} == full


def test_subset_unknown_key(tmp_path):
    subset_file = write_json(tmp_path / 'subsets.json',
                             {'s': {'video9.mp4': [0]}})
    metric = RetrievalMetric(subset_file=subset_file)
    with pytest.raises(KeyError, match=r"video9\.mp4.*") as e:
        run_metric(metric, hand_samples())
    assert 'subsets.json' in str(e.value)


def test_subset_key_missing_from_partial_results(tmp_path):
    subset_file = write_json(tmp_path / 'subsets.json',
                             {'s': {'video2.mp4': [0]}})
    metric = RetrievalMetric(subset_file=subset_file)
    with pytest.raises(KeyError, match='part of the data'):
        run_metric(metric, hand_samples()[:2])


def test_subset_caption_index_out_of_range(tmp_path):
    subset_file = write_json(tmp_path / 'subsets.json',
                             {'s': {'video1.mp4': [1]}})
    metric = RetrievalMetric(subset_file=subset_file)
    with pytest.raises(IndexError, match='caption index 1'):
        run_metric(metric, hand_samples())


@pytest.mark.parametrize('content,match', [
    ('[1, 2]', 'JSON object'),
    ('{"s": {}}', 'non-empty'),
    ('{"s": {"a.mp4": []}}', 'caption indices'),
    ('{"s": {"a.mp4": [-1]}}', 'caption indices'),
    ('{"s": {"a.mp4": ["0"]}}', 'caption indices'),
    ('{"s": {"a.mp4": [0, 0]}}', 'duplicate'),
    ('{not json', 'not valid JSON'),
])
def test_bad_subset_file(tmp_path, content, match):
    path = tmp_path / 'bad.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        RetrievalMetric(subset_file=str(path))


def test_missing_subset_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        RetrievalMetric(subset_file=str(tmp_path / 'nope.json'))


def test_duplicate_video_key():
    samples = hand_samples()
    samples.append(samples[1])
    with pytest.raises(ValueError, match=r"'video1\.mp4' appears twice"):
        run_metric(RetrievalMetric(), samples)


@pytest.mark.parametrize('video,text,exc,match', [
    (torch.ones(1, 4), torch.ones(2, 4), ValueError, r'must be \[D\]'),
    (torch.ones(4), torch.ones(4), ValueError, 'n_captions'),
    (torch.ones(4), torch.ones(0, 4), ValueError, 'n_captions'),
    (torch.ones(4), torch.ones(2, 3), ValueError, 'mismatch'),
])
def test_bad_sample_shapes(video, text, exc, match):
    with pytest.raises(exc, match=match):
        RetrievalMetric().process(None, [make_sample('a.mp4', video, text)])


def test_missing_fields():
    metric = RetrievalMetric()
    with pytest.raises(KeyError, match='video_key'):
        metric.process(None, [dict(video_feature=torch.ones(2),
                                   text_feature=torch.ones(1, 2))])
    with pytest.raises(KeyError, match='text_feature'):
        metric.process(None,
                       [dict(video_key='a', video_feature=torch.ones(2))])


def test_logs_counts(tmp_path):
    log_file = tmp_path / 'log.txt'
    logger = MMLogger.get_instance(
        'test_retrieval_metric_logs', log_file=str(log_file))
    run_metric(RetrievalMetric(), hand_samples())
    run_metric(RetrievalMetric(v2t_protocol='caption'), hand_samples())
    for handler in logger.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "n_videos=3, n_texts=5, V2T protocol: 'video'" in text
    assert "V2T protocol: 'caption'" in text


def test_evaluator_prefix():
    evaluator = Evaluator(RetrievalMetric())
    samples = hand_samples()
    evaluator.process(data_samples=samples[:2], data_batch=None)
    evaluator.process(data_samples=samples[2:], data_batch=None)
    metrics = evaluator.evaluate(len(samples))
    assert metrics['retrieval/t2v/R1'] == pytest.approx(20.0)
    assert metrics['retrieval/v2t/R1'] == pytest.approx(100 / 3)
    assert 'retrieval/rsum' in metrics
    assert all(k.startswith('retrieval/') for k in metrics)


def test_registry_build(tmp_path):
    subset_file = write_json(tmp_path / 's.json',
                             {'direction_sensitive': {'video1.mp4': [0]}})
    metric = METRICS.build(
        dict(type='RetrievalMetric', subset_file=subset_file, prefix='val'))
    assert isinstance(metric, RetrievalMetric)
    evaluator = Evaluator(metric)
    evaluator.process(data_samples=hand_samples(), data_batch=None)
    metrics = evaluator.evaluate(3)
    assert metrics['val/direction_sensitive/t2v/MdR'] == 2.0


def test_twin_accuracy_hand_computed(tmp_path):
    twin_file = write_json(tmp_path / 'twins.json', {
        'a.mp4': 'b.mp4', 'b.mp4': 'a.mp4',
        'c.mp4': 'd.mp4', 'd.mp4': 'c.mp4'})
    text = torch.eye(4)
    samples = [
        make_sample('a.mp4', torch.tensor([0.9, 0.1, 0, 0]), text[[0]]),
        make_sample('b.mp4', torch.tensor([0.2, 0.8, 0, 0]), text[[1]]),
        # c prefers d's caption: wrong; d ties: counts against the model
        make_sample('c.mp4', torch.tensor([0, 0, 0.3, 0.7]), text[[2]]),
        make_sample('d.mp4', torch.tensor([0, 0, 0.5, 0.5]), text[[3]]),
        make_sample('e.mp4', torch.tensor([1.0, 0, 0, 0]), text[[0]]),
    ]
    m = run_metric(RetrievalMetric(twin_file=twin_file), samples)
    assert m['twin/acc'] == 50.0 and m['twin/n'] == 4.0


def test_an_order_invariant_model_gets_exactly_half(tmp_path):
    """Twins are the same frames reversed: a mean-pooling model gives them
    the same feature, so exactly one of each pair wins."""
    rng = np.random.default_rng(0)
    twins, samples = {}, []
    for p in range(20):
        video = rng.standard_normal(8).astype(np.float32)
        caps = rng.standard_normal((2, 8)).astype(np.float32)
        a, b = f'p{p}a.mp4', f'p{p}b.mp4'
        twins[a], twins[b] = b, a
        samples += [make_sample(a, video, caps[[0]]),
                    make_sample(b, video, caps[[1]])]
    m = run_metric(RetrievalMetric(twin_file=write_json(
        tmp_path / 't.json', twins)), samples)
    assert m['twin/acc'] == 50.0 and m['twin/n'] == 40.0


def test_bad_twin_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='twin_file'):
        RetrievalMetric(twin_file=str(tmp_path / 'missing.json'))
    with pytest.raises(ValueError, match='symmetric'):
        RetrievalMetric(twin_file=write_json(tmp_path / 'a.json',
                                             {'a.mp4': 'b.mp4'}))
    metric = RetrievalMetric(twin_file=write_json(
        tmp_path / 'b.json', {'x.mp4': 'y.mp4', 'y.mp4': 'x.mp4'}))
    with pytest.raises(KeyError, match="'x.mp4'"):
        run_metric(metric, hand_samples())


def test_relative_files_follow_the_datasets_data_root(tmp_path):
    """A relative subset/twin file is resolved when evaluation starts,
    against the evaluated dataset's data_root (so a data-root override on
    the command line moves it too)."""
    root = tmp_path / 'elsewhere'
    root.mkdir()
    write_json(root / 'subsets.json', {'one': {'video1.mp4': [0]}})
    write_json(root / 'twins.json', {'video0.mp4': 'video2.mp4',
                                     'video2.mp4': 'video0.mp4'})
    metric = RetrievalMetric(subset_file='subsets.json',
                             twin_file='twins.json')
    metric.dataset_meta = dict(data_root=str(root))
    m = run_metric(metric, hand_samples())
    assert 'one/t2v/R1' in m and m['twin/n'] == 2.0
    bad = RetrievalMetric(subset_file='subsets.json')
    with pytest.raises(FileNotFoundError, match='subsets.json'):
        bad.dataset_meta = dict(data_root=str(tmp_path / 'nowhere'))

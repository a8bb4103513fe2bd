import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mvadapt.evaluation import (BaseNovelMetric, base_novel_accuracy,
                                harmonic_mean, subset_accuracy,
                                subset_view_scores)

# 4 classes: base {0, 1}, novel {2, 3}
SCORES = np.array([
    [0.9, 0.0, 0.05, 0.05],  # label 0: base-space argmax 0 -> right
    [0.1, 0.2, 0.7, 0.0],    # label 1: full argmax 2, base-space 1 -> right
    [0.5, 0.1, 0.3, 0.1],    # label 2: novel-space argmax 2 -> right
    [0.0, 0.9, 0.06, 0.04],  # label 3: novel-space argmax 2 -> wrong
])
LABELS = np.array([0, 1, 2, 3])


def test_each_subset_in_its_own_label_space():
    assert subset_accuracy(SCORES, LABELS, [0, 1]) == 100.0
    assert subset_accuracy(SCORES, LABELS, [2, 3]) == 50.0
    out = base_novel_accuracy(SCORES, LABELS, [0, 1], [2, 3])
    assert out == dict(base=100.0, novel=50.0, HM=pytest.approx(200 / 3))


def test_harmonic_mean():
    assert harmonic_mean(0, 0) == 0
    assert harmonic_mean(60, 40) == pytest.approx(48.0)


def test_errors():
    with pytest.raises(ValueError, match='overlap'):
        base_novel_accuracy(SCORES, LABELS, [0, 1], [1, 2])
    with pytest.raises(ValueError, match='no sample'):
        subset_accuracy(SCORES[:2], LABELS[:2], [2, 3])


def test_metric_with_class_name_files(tmp_path):
    (tmp_path / 'all.txt').write_text('a\nb\nc\nd\n')
    (tmp_path / 'base.txt').write_text('a\nb\n')
    (tmp_path / 'novel.txt').write_text('c\nd\n')
    metric = BaseNovelMetric(str(tmp_path / 'base.txt'),
                             str(tmp_path / 'novel.txt'),
                             class_names=str(tmp_path / 'all.txt'))
    samples = []
    for s, label in zip(SCORES, LABELS):
        sample = ActionDataSample().set_gt_label(int(label))
        sample.set_pred_score(torch.tensor(s, dtype=torch.float32))
        samples.append(sample)
    metric.process(None, samples)
    out = metric.evaluate(4)
    assert out['b2n/base'] == 100.0 and out['b2n/novel'] == 50.0
    (tmp_path / 'bad.txt').write_text('zz\n')
    with pytest.raises(ValueError, match='not in the label space'):
        BaseNovelMetric(str(tmp_path / 'bad.txt'), [2, 3],
                        class_names=str(tmp_path / 'all.txt'))


def test_multi_view_scores_each_subset_in_its_own_label_space():
    """Two views of a base video (label 0; base {0, 1}, novel {2, 3}).
    View 1 is sure of base class 0 among the base classes but sure of novel
    class 2 overall; view 2 mildly prefers base class 1. Tested on the base
    classes alone (each view's softmax over base classes, averaged) the
    video is class 0; averaging the softmax over all classes first and then
    restricting to the base classes picks class 1, because view 1 counts
    almost nothing there."""
    view_logits = torch.tensor([[5.0, 0.0, 20.0, 0.0],
                                [0.0, 0.5, -10.0, -10.0]])
    joint = view_logits.softmax(-1).mean(0)
    assert joint[:2].argmax() == 1  # restrict-after-averaging: wrong
    scores = subset_view_scores(view_logits.numpy(), ([0, 1], [2, 3]))
    expected = view_logits[:, :2].softmax(-1).mean(0)
    np.testing.assert_allclose(scores[:2], expected.numpy(), rtol=1e-6)
    assert scores[:2].argmax() == 0
    # one view: the same argmax either way
    one = subset_view_scores(view_logits[1:].numpy(), ([0, 1], [2, 3]))
    assert one[:2].argmax() == joint[:2].argmax() == 1


def test_metric_scores_views_per_subset():
    """The same two views through BaseNovelMetric, as CLIPRecognizer
    predicts them (pred_score: the joint average; pred_view_logits)."""
    view_logits = torch.tensor([[5.0, 0.0, 20.0, 0.0],
                                [0.0, 0.5, -10.0, -10.0]])
    joint = view_logits.softmax(-1).mean(0)
    metric = BaseNovelMetric([0, 1], [2, 3])
    sample = ActionDataSample().set_gt_label(0)
    sample.set_pred_score(joint)
    sample.set_field(view_logits, 'pred_view_logits')
    novel = ActionDataSample().set_gt_label(3)
    novel.set_pred_score(torch.tensor([0.0, 0.0, 0.4, 0.6]))
    metric.process(None, [sample.to_dict(), novel.to_dict()])
    out = metric.evaluate(2)
    assert out['b2n/base'] == 100.0 and out['b2n/novel'] == 100.0


def test_per_class_accuracy_table(capsys):
    from mmengine.logging import MMLogger

    from mvadapt.evaluation import PerClassAccuracy
    MMLogger.get_instance('per_class_test')
    metric = PerClassAccuracy(class_names=['a', 'b', 'c', 'd'])
    samples = []
    for s, label in zip(SCORES, LABELS):
        sample = ActionDataSample().set_gt_label(int(label))
        sample.set_pred_score(torch.tensor(s, dtype=torch.float32))
        samples.append(sample)
    metric.process(None, samples)
    out = metric.evaluate(4)
    # full-space argmax: 0 -> 0 (right), 1 -> 2, 2 -> 0, 3 -> 1 (wrong)
    assert out == {'per_class/mean': 25.0}

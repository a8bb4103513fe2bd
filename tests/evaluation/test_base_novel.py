import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mvadapt.evaluation import (BaseNovelMetric, base_novel_accuracy,
                                harmonic_mean, subset_accuracy)

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

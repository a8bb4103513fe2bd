"""linear_probe: accuracy of a logistic-regression probe."""
import numpy as np
import pytest

from mvadapt.evaluation.functional.probe import linear_probe


def test_separable_attribute_is_recovered_and_noise_is_not():
    rng = np.random.default_rng(0)
    n, d = 400, 16
    labels = rng.integers(0, 3, n)
    feats = rng.standard_normal((n, d))
    feats[:, 0] += 4.0 * labels  # the attribute lives on one axis
    res = linear_probe(feats[:300], labels[:300].tolist(), feats[300:],
                       labels[300:].tolist())
    assert res['accuracy'] > 95 and res['num_classes'] == 3
    assert 25 < res['chance'] < 50
    noise = linear_probe(rng.standard_normal((300, d)), labels[:300],
                         rng.standard_normal((100, d)), labels[300:])
    assert noise['accuracy'] < 60


def test_string_labels_and_unseen_validation_labels():
    x = np.array([[0.0], [1.0], [0.1], [0.9]])
    res = linear_probe(x, ['a', 'b', 'a', 'b'], np.array([[0.0], [1.0]]),
                       ['a', 'c'])  # 'c' is never predicted
    assert res['accuracy'] == 50.0


def test_bad_inputs():
    with pytest.raises(ValueError, match='at least 2 classes'):
        linear_probe(np.zeros((3, 2)), [1, 1, 1], np.zeros((1, 2)), [1])
    with pytest.raises(ValueError, match='same D'):
        linear_probe(np.zeros((3, 2)), [0, 1, 0], np.zeros((1, 3)), [1])
    with pytest.raises(ValueError, match='one label per'):
        linear_probe(np.zeros((3, 2)), [0, 1], np.zeros((1, 2)), [1])

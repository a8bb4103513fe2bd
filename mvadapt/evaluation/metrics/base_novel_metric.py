"""Base-to-novel accuracy (MSTA / ViFi-CLIP protocol) as an MMEngine metric."""
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mvadapt.registry import METRICS
from ..functional.recognition import (base_novel_accuracy,
                                      subset_view_scores)


def _indices(spec: Union[str, Sequence], class_names: Optional[List[str]]):
    if isinstance(spec, str):  # a class-names file
        if class_names is None:
            raise ValueError('class_names is needed to map a class-names '
                             'file to indices')
        with open(spec, encoding='utf-8') as f:
            names = [line.strip() for line in f if line.strip()]
        unknown = [n for n in names if n not in class_names]
        if unknown:
            raise ValueError(f'{spec}: classes {unknown[:5]} are not in the '
                             'label space')
        return [class_names.index(n) for n in names]
    return [int(i) for i in spec]


@METRICS.register_module()
class BaseNovelMetric(BaseMetric):
    """Accuracy on base classes, on novel classes, and their harmonic mean.

    Evaluate one dataset holding the base and novel test videos, labelled in
    a joint label space, with the recognizer predicting over all classes; the
    metric restricts each subset's samples to the subset's own classes (so
    base accuracy is among base classes, novel among novel ones, as when the
    two are tested separately). With several views per video the
    predictions' ``pred_view_logits`` (``[V, C]``, set by
    :class:`CLIPRecognizer`) are used: each view's softmax over the subset's
    classes, averaged over views (:func:`subset_view_scores`); without them,
    ``pred_score``. Model selection should use ``base`` only.

    Args:
        base_classes (str | list[int]): Indices in the joint label space, or
            a class-names file (needs ``class_names``).
        novel_classes (str | list[int]): Likewise.
        class_names (str | list[str], optional): The joint label space.
    """

    default_prefix = 'b2n'

    def __init__(self, base_classes, novel_classes, class_names=None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(class_names, str):
            with open(class_names, encoding='utf-8') as f:
                class_names = [line.strip() for line in f if line.strip()]
        self.base = _indices(base_classes, class_names)
        self.novel = _indices(novel_classes, class_names)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            get = sample.get if isinstance(sample, dict) else \
                lambda k: getattr(sample, k, None)
            view_logits = get('pred_view_logits')
            if view_logits is not None:
                score = subset_view_scores(
                    view_logits.detach().float().cpu().numpy(),
                    (self.base, self.novel))
            else:
                score = get('pred_score').detach().cpu().numpy()
            self.results.append(dict(score=score,
                                     label=int(get('gt_label').item())))

    def compute_metrics(self, results: list) -> dict:
        scores = np.stack([r['score'] for r in results])
        labels = np.array([r['label'] for r in results])
        return base_novel_accuracy(scores, labels, self.base, self.novel)

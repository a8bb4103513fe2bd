"""Per-class top-1 accuracy, printed as a table on request."""
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mvadapt.registry import METRICS


@METRICS.register_module()
class PerClassAccuracy(BaseMetric):
    """Top-1 accuracy of every class (logged as a table) and their mean.

    Add it next to MMAction2's ``AccMetric``:
    ``test_evaluator = [dict(type='AccMetric'),
    dict(type='PerClassAccuracy', class_names='.../class_names.txt')]``.

    Args:
        class_names (str | list[str], optional): Names for the table (a file
            with one name per line, or a list); indices are used otherwise.
    """

    default_prefix = 'per_class'

    def __init__(self, class_names: Optional[Union[str, Sequence[str]]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(class_names, str):
            with open(class_names, encoding='utf-8') as f:
                class_names = [line.strip() for line in f if line.strip()]
        self.class_names: Optional[List[str]] = \
            list(class_names) if class_names is not None else None

    def process(self, data_batch, data_samples) -> None:
        for sample in data_samples:
            get = sample.get if isinstance(sample, dict) else \
                lambda k: getattr(sample, k)
            self.results.append((int(get('pred_score').argmax()),
                                 int(get('gt_label').item())))

    def compute_metrics(self, results: list) -> dict:
        pred = np.array([p for p, _ in results])
        label = np.array([t for _, t in results])
        classes = np.unique(label)
        acc = {int(c): float((pred[label == c] == c).mean() * 100)
               for c in classes}
        names = self.class_names
        rows = [f'{(names[c] if names and c < len(names) else c)!s:<40} '
                f'{acc[c]:6.2f}  (n={int((label == c).sum())})'
                for c in sorted(acc)]
        MMLogger.get_current_instance().info(
            'Per-class top-1 accuracy:\n' + '\n'.join(rows))
        return dict(mean=float(np.mean(list(acc.values()))))

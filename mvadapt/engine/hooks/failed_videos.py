"""One summary per epoch of the training videos that failed to load."""
import glob
import json
import os
import os.path as osp
import shutil

from mmengine.dist import all_gather_object
from mmengine.hooks import Hook

from mvadapt.registry import HOOKS


@HOOKS.register_module()
class FailedVideosHook(Hook):
    """Count the training videos that could not be loaded over all
    data-loader workers and ranks, log one summary per epoch listing every
    distinct failed video once, and stop training when more than the
    dataset's ``max_failed_fraction`` of its videos failed in the epoch.

    Works with datasets that expose ``failure_log`` (``RetrievalDataset``):
    each data-loader process appends the videos it skipped to a file in
    ``<work_dir>/failed_videos/rank<r>/``; at the end of an epoch the hook
    reads them, moves them to ``epoch_<k>/`` (kept as a record) and gathers
    the ranks' lists. A single process still stops early once it alone has
    seen more than the allowed share fail (a lower bound of the global
    count).
    """

    priority = 'LOW'

    def before_train(self, runner) -> None:
        self.dataset = getattr(runner.train_dataloader, 'dataset', None)
        self.dir = None
        if not hasattr(self.dataset, 'failure_log'):
            return
        self.dir = osp.join(runner.work_dir, 'failed_videos',
                            f'rank{runner.rank}')
        for old in glob.glob(osp.join(self.dir, '*.jsonl')):
            os.remove(old)  # an earlier run's unreported leftovers
        os.makedirs(self.dir, exist_ok=True)
        self.dataset.failure_log = self.dir  # inherited by the workers

    def after_train_epoch(self, runner) -> None:
        if self.dir is None:
            return
        failed = {}
        files = sorted(glob.glob(osp.join(self.dir, '*.jsonl')))
        for path in files:
            with open(path, encoding='utf-8') as f:
                for line in f:
                    if line.strip():
                        record = json.loads(line)
                        failed[record['filename']] = record['error']
        if files:
            record_dir = osp.join(self.dir, f'epoch_{runner.epoch + 1}')
            os.makedirs(record_dir, exist_ok=True)
            for path in files:
                shutil.move(path, osp.join(record_dir, osp.basename(path)))
        merged = {}
        for part in all_gather_object(failed):
            merged.update(part)
        if not merged:
            return
        total = max(getattr(self.dataset, 'num_videos', 0), 1)
        listing = '\n'.join(f'  {name}: {error}'
                            for name, error in sorted(merged.items()))
        runner.logger.warning(
            f'Epoch {runner.epoch + 1}: {len(merged)} of {total} training '
            'videos could not be loaded (all data-loader workers and ranks; '
            f'each was replaced by another sample):\n{listing}')
        allowed = self.dataset.max_failed_fraction * total
        if len(merged) > allowed:
            raise RuntimeError(
                f'{len(merged)} of {total} training videos failed to load in '
                f'epoch {runner.epoch + 1}, more than max_failed_fraction='
                f'{self.dataset.max_failed_fraction} (listed above and in '
                f'{osp.dirname(self.dir)}). Repair or remove them, or raise '
                'max_failed_fraction.')

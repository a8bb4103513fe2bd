# CLIP4Clip (meanP) with ViT-B/32 on MSR-VTT 9k / 1k-A, MMAction2's recipe:
# frames at 1 fps, uniformly subsampled to at most 12 (FpsSample; shorter
# videos padded and masked), 32 words, 8 GPUs x 16 videos, 5 epochs.
# MSR-VTT has no validation split in this protocol: no model selection, the
# last epoch is tested (evaluating every epoch on the test set and keeping
# the best would select the model on test).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip4clip_vit-base-p32.py',
    '../_base_/datasets/msrvtt-9k_retrieval.py',
    '../_base_/schedules/clip4clip_5e.py'
]
val_cfg = None
train_cfg = dict(val_begin=None, val_interval=None)
default_hooks = dict(checkpoint=dict(interval=1, save_best=None,
                                     max_keep_ckpts=1))

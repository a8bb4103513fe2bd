# CLIP4Clip (meanP) with ViT-B/32 on MSR-VTT 9k / 1k-A, MMAction2's recipe:
# 12 uniformly sampled frames, 32 words, 8 GPUs x 16 videos, 5 epochs.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip4clip_vit-base-p32.py',
    '../_base_/datasets/msrvtt-9k_retrieval.py',
    '../_base_/schedules/clip4clip_5e.py'
]
default_hooks = dict(checkpoint=dict(save_best='retrieval/t2v/R1',
                                     rule='greater'))

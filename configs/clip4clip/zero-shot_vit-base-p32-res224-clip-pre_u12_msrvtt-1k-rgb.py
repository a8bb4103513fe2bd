# Zero-shot CLIP (frozen, mean pooling) on MSR-VTT 1k-A: evaluation only.
#   python tools/test.py configs/clip4clip/zero-shot_vit-base-p32-res224-clip-pre_u12_msrvtt-1k-rgb.py
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip4clip_vit-base-p32.py',
    '../_base_/datasets/msrvtt-9k_retrieval.py'
]
model = dict(clip=dict(frozen=True))
train_dataloader = None
test_cfg = dict(type='TestLoop')

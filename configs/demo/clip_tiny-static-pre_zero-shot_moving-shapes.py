# Stage 2 of the demo: zero-shot retrieval on MovingShapes' motion test set
# with the tiny CLIP pretrained in stage 1 (frozen; no training).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/tiny-clip-64.py',
    '../_base_/datasets/moving-shapes_retrieval.py'
]
model = dict(clip=dict(
    pretrained='work_dirs/demo/tiny_clip_static.safetensors', frozen=True))
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')

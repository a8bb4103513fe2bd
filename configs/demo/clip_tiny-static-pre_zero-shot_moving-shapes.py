# The demo's zero-shot stage: zero-shot retrieval on MovingShapes' motion test set
# with the demo's pretrained tiny CLIP (frozen; no training): the shipped
# weights (weights/README.md), or a --pretrain run's via model.clip.pretrained.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/tiny-clip-64_moving-shapes.py',
    '../_base_/datasets/moving-shapes_retrieval.py'
]
model = dict(clip=dict(frozen=True))
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')

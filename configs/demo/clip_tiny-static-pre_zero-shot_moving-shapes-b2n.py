# Zero-shot CLIP (frozen tiny CLIP, no adapter) on MovingShapes base-to-novel:
# evaluation only (base / novel / HM on the joint test list).
_base_ = ['./msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py']
model = dict(clip=dict(frozen=True), adapter=None, consistency=None)
train_dataloader = None
train_cfg = None
optim_wrapper = None
param_scheduler = None
val_dataloader = None
val_cfg = None
val_evaluator = None
custom_hooks = []

# Zero-shot CLIP (frozen tiny CLIP, no adapter) on MovingShapes base-to-novel:
# evaluation only (base / novel / HM on the joint test list).
_base_ = ['./msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py']
model = dict(clip=dict(frozen=True), adapter=None, consistency=None)
# evaluation only: no training (MMEngine wants its parts all unset) and no
# adapter hooks; the validation parts stay, unused by tools/test.py
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
custom_hooks = []

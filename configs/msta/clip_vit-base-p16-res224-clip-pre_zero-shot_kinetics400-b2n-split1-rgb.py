# Baseline: zero-shot CLIP (frozen OpenCLIP ViT-B/16, mean-pooled frames, no
# adapter) on Kinetics-400 base-to-novel, split 1: evaluation only, same test
# views and metric (base / novel / HM) as the MSTA config.
#   python tools/test.py THIS_CONFIG
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_kinetics400-b2n-split1-rgb.py']
model = dict(adapter=None, consistency=None)
train_dataloader = None
train_cfg = None
optim_wrapper = None
param_scheduler = None
val_dataloader = None
val_cfg = None
val_evaluator = None
custom_hooks = []

# Baseline: zero-shot CLIP (frozen OpenCLIP ViT-B/16, mean-pooled frames, no
# adapter) on Kinetics-400 base-to-novel, split 1: evaluation only, same test
# views and metric (base / novel / HM) as the MSTA config.
#   python tools/test.py THIS_CONFIG
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_kinetics400-b2n-split1-rgb.py']
model = dict(adapter=None, consistency=None)
# evaluation only: no training (MMEngine wants its parts all unset) and no
# adapter hooks; the validation parts stay, unused by tools/test.py
train_dataloader = train_cfg = optim_wrapper = param_scheduler = None
custom_hooks = []

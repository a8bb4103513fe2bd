# MSTA's fully supervised protocol (configs/msta/README.md): MSTA on OpenCLIP
# ViT-B/16 (../models/msta_vit-base-p16.py), the 30-epoch recipe
# (../schedules/msta_adamw.py), the consistency loss L_CC with 2 descriptions
# per class, the epoch with the best top-1 accuracy kept. A config adds a
# dataset base (../datasets/<benchmark>_recognition.py) and points the model
# at its class names and descriptions.
_base_ = [
    '../default_runtime.py', '../models/msta_vit-base-p16.py',
    '../schedules/msta_adamw.py'
]
model = dict(consistency=dict(loss_weight=1.0, num_per_class=2))
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

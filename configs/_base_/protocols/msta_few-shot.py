# MSTA's few-shot protocol (ViFi-CLIP's, configs/msta/README.md): MSTA on
# OpenCLIP ViT-B/16, 50 epochs with 5 warm-up (../schedules/msta_adamw_50e.py),
# L_CC with 2 descriptions per class (a config may change num_per_class), no
# model selection: the last epoch is tested. A config adds a dataset base
# (../datasets/<benchmark>_recognition.py), points the model at its class
# names and descriptions and replaces the training list by a K-shot list
# (tools/data/make_splits.py kshot / map).
_base_ = [
    '../default_runtime.py', '../models/msta_vit-base-p16.py',
    '../schedules/msta_adamw_50e.py'
]
model = dict(consistency=dict(loss_weight=1.0, num_per_class=2))
train_cfg = dict(val_begin=_base_.max_epochs)  # test the last epoch
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))

# MSTA for zero-shot transfer: train on Kinetics-400 (10 epochs with 5 warm-up,
# the ViFi-CLIP zero-shot schedule), then evaluate on other label spaces with the
# *_k400-zero-shot-pre_* test configs. No model selection: last epoch.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-30e_kinetics400-rgb.py']
max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs)
param_scheduler = [  # 5 warm-up epochs (ViFi-CLIP utils/config.py default)
    dict(type='WarmupCosineLR', warmup=5, eta_min_ratio=0.01, by_epoch=True,
         begin=0, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))

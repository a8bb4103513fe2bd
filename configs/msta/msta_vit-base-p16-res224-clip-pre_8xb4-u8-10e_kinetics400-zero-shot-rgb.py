# MSTA for zero-shot transfer: train on Kinetics-400 (10 epochs, the ViFi-CLIP
# zero-shot schedule), then evaluate on other label spaces with the
# *_k400-zero-shot-pre_* test configs. No model selection: last epoch.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-30e_kinetics400-rgb.py']
max_epochs = 10
warmup_epochs = 2
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=1e-5, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))

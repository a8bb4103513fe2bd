# MV-Adapter's recipe (mv-adapter_5e.py) for paragraph-to-video retrieval
# (DiDeMo, ActivityNet Captions): 15 epochs, 10 % linear warm-up then cosine,
# global batch 64 (8 GPUs x 8).
_base_ = ['./mv-adapter_5e.py']
max_epochs = 15
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
         end=0.1 * max_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=0.9 * max_epochs, eta_min=0,
         by_epoch=True, begin=0.1 * max_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=64)

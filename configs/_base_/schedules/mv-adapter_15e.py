# MV-Adapter's recipe (mv-adapter_5e.py) for paragraph-to-video retrieval
# (DiDeMo, ActivityNet Captions): 15 epochs, 10 % linear warm-up then cosine,
# global batch 64 (8 GPUs x 8).
_base_ = ['./mv-adapter_5e.py']
max_epochs = 15
train_cfg = dict(max_epochs=max_epochs)
__warmup, __cosine = _base_.param_scheduler  # stretched to 15 epochs
param_scheduler = [
    dict(__warmup, end=0.1 * max_epochs),
    dict(__cosine, T_max=0.9 * max_epochs, begin=0.1 * max_epochs,
         end=max_epochs),
]
auto_scale_lr = dict(base_batch_size=64)

# MSTA's recipe (from the released logs): AdamW betas (0.9, 0.98), lr 1e-3,
# weight decay 1e-3, global batch 32 (8 GPUs x 4); 5 warm-up epochs from 0
# into the cosine of the whole run, to lr / 100, per iteration (timm's
# CosineLRScheduler as ViFi-CLIP's utils/optimizer.py builds it; the logs'
# rates, e.g. 0.000975773 at epoch 5 of 50, are reproduced by
# WarmupCosineLR). 30 epochs (ViFi-CLIP's default, fully supervised);
# msta_adamw_50e.py for few-shot and base-to-novel.
max_epochs = 30
warmup_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='WarmupCosineLR', warmup=warmup_epochs, eta_min_ratio=0.01,
         by_epoch=True, begin=0, end=max_epochs, convert_to_iter_based=True)
]
optim_wrapper = dict(
    type='AutocastOptimWrapper',  # bf16 autocast on GPU (and CPU)
    dtype='bfloat16',
    # eps = 1e-8 x lambda (0.005): AdamW on the adapters' plain gradients
    # with this eps is AdamW with eps 1e-8 on the gradients of MMA's
    # gradient-scaling rule (x 1/lambda), which MSTA follows (see
    # configs/msta/README.md, "Deviations"); keep it 1e-8 x model.adapter.scale.
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.98), eps=5e-11,
                   weight_decay=1e-3))
auto_scale_lr = dict(enable=False, base_batch_size=32)
custom_hooks = [
    dict(type='AdapterCheckpointHook'),
    dict(type='AdapterExportHook'),
]

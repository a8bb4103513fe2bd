# MSTA's recipe (from the released logs): AdamW betas (0.9, 0.98), lr 1e-3,
# weight decay 1e-3, 5 warm-up epochs then cosine to lr / 100, global batch
# 32 (8 GPUs x 4).
max_epochs = 30
warmup_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=1e-5, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
optim_wrapper = dict(
    type='AutocastOptimWrapper',  # bf16 autocast on GPU (and CPU)
    dtype='bfloat16',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.98), eps=1e-8,
                   weight_decay=1e-3))
auto_scale_lr = dict(enable=False, base_batch_size=32)
custom_hooks = [
    dict(type='AdapterCheckpointHook'),
    dict(type='AdapterExportHook'),
]

# MV-Adapter's recipe (paper section 4.2): AdamW with decoupled weight decay,
# betas (0.9, 0.98), eps 1e-6, weight decay 0.2 (none on biases and norms;
# MMEngine's bias rule skips the TAM attention's packed `in_proj_bias`),
# adapter lr 5e-6 and CLIP-bias lr 1e-7 (lr_mult 0.02), 10 % linear warm-up
# then cosine, gradient clipping at 1.0. Global batch 128 (8 GPUs x 16).
max_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
         end=0.1 * max_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=0.9 * max_epochs, eta_min=0,
         by_epoch=True, begin=0.1 * max_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
# Mixed precision as the authors trained: float16 autocast with dynamic loss
# scaling (bfloat16 rounds away an adapter's early output change; measured in
# tests/engine/test_autocast_wrapper.py). bfloat16 is one override away:
# --cfg-options optim_wrapper.dtype=bfloat16. Without a GPU: float32.
optim_wrapper = dict(
    type='AutocastOptimWrapper',
    dtype='float16',
    loss_scale='dynamic',
    cpu_dtype='float32',
    optimizer=dict(type='AdamW', lr=5e-6, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.2),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={
                           # CLIP biases: lr x 0.02, no weight decay (a custom
                           # key overrides bias_decay_mult in MMEngine)
                           'backbone.': dict(lr_mult=0.02, decay_mult=0.)}),
    clip_grad=dict(max_norm=1.0))
auto_scale_lr = dict(enable=False, base_batch_size=128)

custom_hooks = [
    dict(type='AdapterCheckpointHook'),
    dict(type='AdapterExportHook'),
]

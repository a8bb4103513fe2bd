# MMAction2's CLIP4Clip schedule: AdamW lr 1e-5, 0.5 epoch warm-up, cosine.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=5, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='LinearLR', start_factor=0.05, by_epoch=True, begin=0,
         end=0.5, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=4.5, eta_min=0, by_epoch=True,
         begin=0.5, end=5, convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-05, betas=(0.9, 0.999), eps=1e-08,
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
# Scale the lr with the global batch (8 GPUs x 16 videos).
auto_scale_lr = dict(enable=False, base_batch_size=128)

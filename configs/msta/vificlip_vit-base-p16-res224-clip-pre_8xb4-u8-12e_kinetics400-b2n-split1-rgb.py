# Baseline: ViFi-CLIP-style full fine-tuning on Kinetics-400 base-to-novel,
# split 1 -- both OpenCLIP encoders trainable, frame features mean-pooled, no
# adapter, no L_CC; same data, views and epoch selection (base accuracy) as
# the MSTA config it inherits from, its own schedule: 12 epochs, 2 warm-up
# (ViFi-CLIP's own base-to-novel configs train 11 epochs). Full fine-tuning
# of CLIP needs a much smaller learning rate than the adapters: 2e-6 (our
# choice, cosine to lr / 100). Checkpoints hold the whole model (no adapter
# file).
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_kinetics400-b2n-split1-rgb.py']
model = dict(clip=dict(frozen=False), adapter=None, consistency=None)
# no adapter: ViFi-CLIP's AdamW eps 1e-8 (MSTA's recipe uses 1e-8 x lambda)
optim_wrapper = dict(optimizer=dict(lr=2e-6, eps=1e-8, weight_decay=0.2))
train_cfg = dict(max_epochs=12)
param_scheduler = [  # replaces the MSTA schedule
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=2, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=10, eta_min=2e-8, by_epoch=True,
         begin=2, end=12, convert_to_iter_based=True)
]
custom_hooks = []

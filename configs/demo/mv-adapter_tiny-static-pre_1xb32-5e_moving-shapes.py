# MV-Adapter on MovingShapes, from the demo's pretrained tiny CLIP: frozen backbone,
# adapters in every layer of both towers (TAM + calibration in the video
# tower), CMT on the last two layers, CLIP biases tuned (BitFit).
# Scale s = 1.0 and lr 3e-3 were chosen on val (`python tools/demo.py
# --sweep`, table in configs/mv_adapter/README.md): with the paper's s = 0.1
# (and 1e-3) a few hundred steps from zero-initialised up-projections leave
# the temporal path too slow to learn order (val twin accuracy 50.0).
_base_ = ['./clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py']

model = dict(
    clip=dict(frozen=True, trainable=('bias', )),
    adapter=dict(
        type='MVAdapter', bottleneck=32, scale=1.0, max_frames=8,
        temporal=True, calibration=True, cmt=True, cmt_layers=(-2, -1),
        cmt_position='down_in', cmt_dim=32))

# CLIP4Clip's AdamW, gradient clipping and decay rules with the adapter lr;
# CLIP's biases train 50x slower than the adapters (paper: 1e-7 vs 5e-6)
# and without weight decay (a custom key overrides bias_decay_mult)
optim_wrapper = dict(
    optimizer=dict(lr=3e-3),
    paramwise_cfg=dict(custom_keys={
        'backbone.': dict(lr_mult=0.02, decay_mult=0.)}))
custom_hooks = [
    dict(type='AdapterCheckpointHook'),
    dict(type='AdapterExportHook'),
]

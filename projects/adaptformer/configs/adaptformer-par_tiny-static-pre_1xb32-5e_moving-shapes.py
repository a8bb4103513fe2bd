# AdaptFormer-par on MovingShapes, from the stage-1 tiny CLIP: frozen
# backbone, one AdaptMLP (d' = 32, s = 0.1) parallel to the FFN in every layer
# of both towers, CLIP biases tuned (BitFit), mean pooling. Same recipe as
# configs/demo/mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py.
_base_ = [
    '../../../configs/demo/clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py'
]
# The plugin registers AdaptFormer in mvadapt's MODELS (run from the repo
# root with PYTHONPATH=. so that `projects` is importable). Listing the
# base's imports too keeps them: a list in a config replaces the base's.
custom_imports = dict(
    imports=['mvadapt.datasets', 'mvadapt.engine', 'mvadapt.evaluation',
             'mvadapt.models', 'projects.adaptformer.adaptformer'],
    allow_failed_imports=False)

model = dict(
    clip=dict(frozen=True, trainable=('bias', )),
    adapter=dict(type='AdaptFormer', variant='parallel', bottleneck=32,
                 scale=0.1, video=True, text=True))

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.2),
    # CLIP's biases train 50x slower than the adapters (as for MV-Adapter)
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={
                           # CLIP biases: lr x 0.02, no weight decay (a custom
                           # key overrides bias_decay_mult in MMEngine)
                           'backbone.': dict(lr_mult=0.02, decay_mult=0.)}),
    clip_grad=dict(max_norm=1.0))
custom_hooks = [
    dict(type='TrainableParamsHook'),
    dict(type='AdapterCheckpointHook'),
]

# AdaptFormer-par on MovingShapes, from the demo's tiny CLIP: frozen
# backbone, one AdaptMLP (d' = 32, s = 0.1) parallel to the FFN in every layer
# of both towers, CLIP biases tuned (BitFit), mean pooling. Same data and
# recipe (optimiser, schedule) as the MV-Adapter demo config it inherits.
_base_ = [
    '../../../configs/demo/mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py'
]
# The plugin registers AdaptFormer in mvadapt's MODELS (run from the repo
# root with PYTHONPATH=. so that `projects` is importable). Listing the
# base's imports too keeps them: a list in a config replaces the base's.
custom_imports = dict(
    imports=['mvadapt.datasets', 'mvadapt.engine', 'mvadapt.evaluation',
             'mvadapt.models', 'projects.adaptformer.adaptformer'],
    allow_failed_imports=False)

model = dict(
    adapter=dict(type='AdaptFormer', variant='parallel', bottleneck=32,
                 scale=0.1, video=True, text=True, _delete_=True))

custom_hooks = [
    dict(type='TrainableParamsHook'),
    dict(type='AdapterCheckpointHook'),
]

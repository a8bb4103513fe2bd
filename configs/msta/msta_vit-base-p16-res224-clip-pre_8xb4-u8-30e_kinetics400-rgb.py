# MSTA, fully supervised Kinetics-400: 30 epochs, 8 frames, test 4 clips x 3 crops.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/kinetics400_recognition.py',
    '../_base_/schedules/msta_adamw.py'
]

model = dict(class_names=_base_.class_names,
             consistency=dict(descriptions=_base_.descriptions,
                              loss_weight=1.0, num_per_class=2))
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

# MSTA, fully supervised Something-Something v2: the Kinetics-400 recipe (30
# epochs, 8 frames), no flips, test 2 clips x 3 crops on the full val set
# (configs/_base_/datasets/recognition_u8_sthv2.py).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/sthv2_recognition.py',
    '../_base_/schedules/msta_adamw.py'
]

model = dict(class_names=_base_.class_names,
             consistency=dict(descriptions=_base_.descriptions,
                              loss_weight=1.0, num_per_class=2))
# SSv2 has no labelled test set: the val list is also the test list, so the
# epoch is selected on it, as in the published recipes (set save_best=None to
# test the last epoch instead).
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

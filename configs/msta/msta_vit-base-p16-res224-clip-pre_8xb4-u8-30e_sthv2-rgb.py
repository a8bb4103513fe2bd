# MSTA, fully supervised Something-Something v2: the Kinetics-400 recipe (30
# epochs, 8 frames), no flips, test 2 clips x 3 crops on the full val set
# (configs/_base_/datasets/recognition_u8_sthv2.py).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/recognition_u8_sthv2.py',
    '../_base_/schedules/msta_adamw.py'
]

data_root = 'data/sthv2'
class_names = data_root + '/annotations/class_names.txt'
descriptions = data_root + '/descriptions/descriptions.json'
model = dict(class_names=class_names,
             consistency=dict(descriptions=descriptions, loss_weight=1.0,
                              num_per_class=2))
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_train_list.txt',
    data_prefix=dict(video=data_root + '/videos')))
val_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_val_list.txt',
    data_prefix=dict(video=data_root + '/videos')))
test_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_val_list.txt',
    data_prefix=dict(video=data_root + '/videos')))
# SSv2 has no labelled test set: the val list is also the test list, so the
# epoch is selected on it, as in the published recipes (set save_best=None to
# test the last epoch instead).
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

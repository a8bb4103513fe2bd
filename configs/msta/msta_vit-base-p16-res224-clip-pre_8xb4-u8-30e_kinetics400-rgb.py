# MSTA, fully supervised Kinetics-400: 30 epochs, 8 frames, test 4 clips x 3 crops.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/recognition_u8.py',
    '../_base_/schedules/msta_adamw.py'
]

data_root = 'data/kinetics400'
class_names = data_root + '/annotations/class_names.txt'
descriptions = data_root + '/descriptions/descriptions.json'
model = dict(class_names=class_names,
             consistency=dict(descriptions=descriptions, loss_weight=1.0,
                              num_per_class=2))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=4, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]  # 4 clips x 3 crops, softmax averaged over views

train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/kinetics400_train_list.txt',
    data_prefix=dict(video=data_root + '/videos_train')))
val_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/kinetics400_val_list.txt',
    data_prefix=dict(video=data_root + '/videos_val')))
test_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/kinetics400_val_list.txt',
    data_prefix=dict(video=data_root + '/videos_val'),
    pipeline=test_pipeline))
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

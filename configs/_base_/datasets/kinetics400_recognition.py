# Kinetics-400 in the ViFi-CLIP / MSTA protocol (recognition_u8.py): the
# lists, class names and descriptions of tools/data/kinetics/README.md under
# data_roots.kinetics400 (./data_roots.py); test 4 clips x 3 crops on the
# val list.
_base_ = ['./recognition_u8.py', './data_roots.py']
data_root = _base_.data_roots.kinetics400
class_names = data_root + '/annotations/class_names.txt'
descriptions = data_root + '/descriptions/descriptions.json'
val_list = data_root + '/annotations/kinetics400_val_list.txt'
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=4,
         test_mode=True),
    *_base_.three_crop_test_steps,
]  # 4 clips x 3 crops, softmax averaged over views
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/kinetics400_train_list.txt',
    data_prefix=dict(video=data_root + '/videos_train')))
val_dataloader = dict(dataset=dict(
    ann_file=val_list, data_prefix=dict(video=data_root + '/videos_val')))
test_dataloader = dict(dataset=dict(
    ann_file=val_list, data_prefix=dict(video=data_root + '/videos_val'),
    pipeline=test_pipeline))

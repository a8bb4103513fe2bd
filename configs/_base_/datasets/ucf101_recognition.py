# UCF-101 in the ViFi-CLIP / MSTA protocol (recognition_u8.py): the split-1
# lists, class names and descriptions of tools/data/ucf101/README.md under
# data_roots.ucf101 (./data_roots.py); test 5 clips x 3 crops on the split-1
# val list. Few-shot and base-to-novel configs replace the training list.
_base_ = ['./recognition_u8.py', './data_roots.py']
data_root = _base_.data_roots.ucf101
class_names = data_root + '/annotations/class_names.txt'
descriptions = data_root + '/descriptions/descriptions.json'
val_list = data_root + '/annotations/ucf101_val_split_1.txt'
videos = dict(video=data_root + '/videos')
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=5,
         test_mode=True),
    *_base_.three_crop_test_steps,
]  # 5 clips x 3 crops, softmax averaged over views
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_train_split_1.txt',
    data_prefix=videos))
val_dataloader = dict(dataset=dict(ann_file=val_list, data_prefix=videos))
test_dataloader = dict(dataset=dict(ann_file=val_list, data_prefix=videos,
                                    pipeline=test_pipeline))

# Kinetics-400 in the ViFi-CLIP / MSTA protocol (recognition_u8.py): the
# lists, class names and descriptions of tools/data/kinetics/README.md under
# data_roots.kinetics400 (./data_roots.py; --cfg-options data_root=... moves
# every path); test 4 clips x 3 crops on the val list. The protocol base
# trains on <train_list_stem>.txt or a base-to-novel split's list.
_base_ = ['./recognition_u8.py', './data_roots.py']
data_root = _base_.data_roots.kinetics400
train_list_stem = '{data_root}/annotations/kinetics400_train_list'
val_list = '{data_root}/annotations/kinetics400_val_list.txt'
train_videos = '{data_root}/videos_train'
val_videos = '{data_root}/videos_val'
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=4,
         test_mode=True),
    *_base_.three_crop_test_steps,
]  # 4 clips x 3 crops, softmax averaged over views
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

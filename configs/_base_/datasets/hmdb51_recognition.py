# HMDB-51 in the ViFi-CLIP / MSTA protocol (recognition_u8.py): the split-1
# lists, class names and descriptions of tools/data/hmdb51/README.md under
# data_roots.hmdb51 (./data_roots.py; --cfg-options data_root=... moves every
# path); test 10 clips x 3 crops on the split-1 val list. The protocol base
# trains on <train_list_stem>.txt, a K-shot <train_list_stem>_<K>shot.txt or a
# base-to-novel split's list.
_base_ = ['./recognition_u8.py', './data_roots.py']
data_root = _base_.data_roots.hmdb51
train_list_stem = '{data_root}/annotations/hmdb51_train_split_1'
val_list = '{data_root}/annotations/hmdb51_val_split_1.txt'
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=10,
         test_mode=True),
    *_base_.three_crop_test_steps,
]  # 10 clips x 3 crops, softmax averaged over views
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

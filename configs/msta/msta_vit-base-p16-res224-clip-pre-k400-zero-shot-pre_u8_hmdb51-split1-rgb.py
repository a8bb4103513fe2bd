# MSTA zero-shot on HMDB-51 split 1: the Kinetics-400-trained adapter,
# evaluated on HMDB-51's own class names (10 clips x 3 crops).
#   python tools/test.py THIS_CONFIG work_dirs/msta_vit-base-p16-res224-clip-pre_8xb4-u8-10e_kinetics400-zero-shot-rgb/adapter.safetensors
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-10e_kinetics400-zero-shot-rgb.py']
# the test data: {test_data_root} (--cfg-options test_data_root=... moves
# it), split {test_split}; {data_root} stays Kinetics-400's (training)
test_data_root = _base_.data_roots.hmdb51
test_split = 1
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=10,
         test_mode=True),
    *_base_.three_crop_test_steps,
]  # 10 clips x 3 crops, softmax averaged over views

model = dict(test_class_names='{test_data_root}/annotations/class_names.txt')
test_dataloader = dict(dataset=dict(
    ann_file='{test_data_root}/annotations/hmdb51_val_split_{test_split}.txt',
    data_prefix=dict(video='{test_data_root}/videos'),
    pipeline=test_pipeline))

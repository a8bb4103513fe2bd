# Something-Something v2 in the ViFi-CLIP / MSTA protocol
# (recognition_u8_sthv2.py: no flips, test 2 clips x 3 crops): the lists,
# class names and descriptions of tools/data/sthv2/README.md under
# data_roots.sthv2 (./data_roots.py). SSv2 has no labelled test set: the val
# list is also the test list.
_base_ = ['./recognition_u8_sthv2.py', './data_roots.py']
data_root = _base_.data_roots.sthv2
class_names = data_root + '/annotations/class_names.txt'
descriptions = data_root + '/descriptions/descriptions.json'
val_list = data_root + '/annotations/sthv2_val_list.txt'
videos = dict(video=data_root + '/videos')
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_train_list.txt',
    data_prefix=videos))
val_dataloader = dict(dataset=dict(ann_file=val_list, data_prefix=videos))
test_dataloader = dict(dataset=dict(ann_file=val_list, data_prefix=videos))

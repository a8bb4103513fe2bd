# Something-Something v2 in the ViFi-CLIP / MSTA protocol
# (recognition_u8_sthv2.py: no flips, test 2 clips x 3 crops): the lists,
# class names and descriptions of tools/data/sthv2/README.md under
# data_roots.sthv2 (./data_roots.py; --cfg-options data_root=... moves every
# path). SSv2 has no labelled test set: the val list is also the test list.
# The protocol base trains on <train_list_stem>.txt, a K-shot
# <train_list_stem>_<K>shot.txt or a base-to-novel split's list.
_base_ = ['./recognition_u8_sthv2.py', './data_roots.py']
data_root = _base_.data_roots.sthv2
train_list_stem = '{data_root}/annotations/sthv2_train_list'
val_list = '{data_root}/annotations/sthv2_val_list.txt'

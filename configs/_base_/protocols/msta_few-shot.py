# MSTA's few-shot protocol (ViFi-CLIP's, configs/msta/README.md): MSTA with
# L_CC (./msta_common.py), 50 epochs with 5 warm-up
# (../schedules/msta_adamw_50e.py), no model selection: the last epoch is
# tested. A config adds a dataset base
# (../datasets/<benchmark>_recognition.py) and sets shots = K: it trains on
# the K-shot list <train_list_stem>_<K>shot.txt next to the full training
# list (tools/data/make_splits.py kshot / map writes it).
_base_ = ['./msta_common.py', '../schedules/msta_adamw_50e.py']
train_list = '{train_list_stem}_{shots}shot.txt'
train_cfg = dict(val_begin=_base_.max_epochs)  # test the last epoch
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))

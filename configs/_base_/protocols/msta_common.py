# What every MSTA protocol shares (msta_fully-supervised.py, msta_few-shot.py
# and msta_base-to-novel.py build on it): MSTA on OpenCLIP ViT-B/16
# (../models/msta_vit-base-p16.py) pointed at the dataset base's class names
# and descriptions, L_CC with 2 descriptions per class (a config may change
# num_per_class), training on the benchmark's full training list, top-1
# accuracy. Names in braces are the dataset base's keys (class_names,
# descriptions, train_list_stem under its data_root), filled in when the
# config is loaded (mvadapt/utils/config.py), so --cfg-options data_root=...
# moves them all.
_base_ = ['../default_runtime.py', '../models/msta_vit-base-p16.py']
model = dict(class_names='{class_names}',
             consistency=dict(descriptions='{descriptions}', loss_weight=1.0,
                              num_per_class=2))
train_list = '{train_list_stem}.txt'
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

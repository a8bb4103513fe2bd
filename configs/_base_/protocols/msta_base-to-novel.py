# MSTA's base-to-novel protocol (ViFi-CLIP's, configs/msta/README.md): MSTA
# with L_CC (./msta_common.py), 50 epochs with 5 warm-up
# (../schedules/msta_adamw_50e.py); train on 16 shots of each base class,
# test base and novel accuracy and their harmonic mean (BaseNovelMetric); the
# epoch is selected by base accuracy only. A config adds a dataset base
# (../datasets/<benchmark>_recognition.py) and sets b2n_split = k: the
# split's files are those tools/data/make_splits.py b2n writes to
# <data_root>/annotations/b2n_split<k> (base_class_names.txt,
# novel_class_names.txt, train_base.txt).
_base_ = ['./msta_common.py', '../schedules/msta_adamw_50e.py']
split = '{data_root}/annotations/b2n_split{b2n_split}'
train_list = '{split}/train_base.txt'
model = dict(class_names='{split}/base_class_names.txt',
             test_class_names='{class_names}')
# val and test: the full val list in the joint label space; the metric
# scores base and novel videos each in their own label space.
val_evaluator = dict(type='BaseNovelMetric', class_names='{class_names}',
                     base_classes='{split}/base_class_names.txt',
                     novel_classes='{split}/novel_class_names.txt')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='b2n/base', rule='greater',
                                     max_keep_ckpts=1))

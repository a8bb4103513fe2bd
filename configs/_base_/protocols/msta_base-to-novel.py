# MSTA's base-to-novel protocol (ViFi-CLIP's, configs/msta/README.md): MSTA on
# OpenCLIP ViT-B/16, 50 epochs with 5 warm-up (../schedules/msta_adamw_50e.py),
# L_CC with 2 descriptions per class; train on 16 shots of each base class,
# test base and novel accuracy and their harmonic mean (BaseNovelMetric); the
# epoch is selected by base accuracy only. A config adds a dataset base
# (../datasets/<benchmark>_recognition.py) and names the split's files, which
# tools/data/make_splits.py b2n writes to <data_root>/annotations/b2n_split<k>:
# base_class_names.txt, novel_class_names.txt, train_base.txt.
_base_ = [
    '../default_runtime.py', '../models/msta_vit-base-p16.py',
    '../schedules/msta_adamw_50e.py'
]
model = dict(consistency=dict(loss_weight=1.0, num_per_class=2))
default_hooks = dict(checkpoint=dict(save_best='b2n/base', rule='greater',
                                     max_keep_ckpts=1))

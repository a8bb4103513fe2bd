# MSTA's fully supervised protocol (configs/msta/README.md): MSTA with L_CC
# trained on the benchmark's full training list (./msta_common.py), the
# 30-epoch recipe (../schedules/msta_adamw.py), the epoch with the best top-1
# accuracy kept. A config adds a dataset base
# (../datasets/<benchmark>_recognition.py).
_base_ = ['./msta_common.py', '../schedules/msta_adamw.py']
default_hooks = dict(checkpoint=dict(save_best='acc/top1', rule='greater',
                                     max_keep_ckpts=1))

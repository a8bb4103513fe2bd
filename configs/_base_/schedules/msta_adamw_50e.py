# MSTA's few-shot and base-to-novel schedule, from the released logs
# (ETL4Video logs/MSTA/base2novel/*/s*_log.txt and logs/MSTA/few-shot/*/*.txt:
# EPOCHS 50, WARMUP_EPOCHS 5): 5 warm-up epochs from 0 into the cosine of
# the whole 50 epochs, to lr / 100 (ViFi-CLIP utils/optimizer.py).
_base_ = ['./msta_adamw.py']
max_epochs = 50
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='WarmupCosineLR', warmup=5, eta_min_ratio=0.01, by_epoch=True,
         begin=0, end=max_epochs, convert_to_iter_based=True)
]

# LSMDC video-text retrieval: annotations/{train,val,test}.json and videos/
# under data_roots.lsmdc (./data_roots.py). Prepare with tools/data/lsmdc/README.md.
_base_ = ['./retrieval_u12-w32.py', './data_roots.py']
data_root = _base_.data_roots.lsmdc
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))

# MSVD video-text retrieval: annotations/{train,val,test}.json and videos/
# under data_roots.msvd (./data_roots.py). Prepare with tools/data/msvd/README.md.
_base_ = ['./retrieval_u12-w32.py', './data_roots.py']
data_root = _base_.data_roots.msvd
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))

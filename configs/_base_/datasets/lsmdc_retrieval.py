# LSMDC video-text retrieval: annotations/{train,val,test}.json and videos/
# under data_roots.lsmdc (./data_roots.py; --cfg-options data_root=... moves
# it). Prepare with tools/data/lsmdc/README.md.
_base_ = ['./retrieval_u12-w32.py', './data_roots.py']
data_root = _base_.data_roots.lsmdc

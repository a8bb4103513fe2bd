# AdaptFormer-seq on MovingShapes: the AdaptMLP is applied to the FFN output
# (out = h + F + s * A(F)); everything else as the -par config.
_base_ = ['./adaptformer-par_tiny-static-pre_1xb32-5e_moving-shapes.py']
model = dict(adapter=dict(variant='sequential'))

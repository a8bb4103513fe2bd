# MV-Adapter on CLIP ViT-B/16 (paper defaults): frozen backbone, CLIP biases
# tuned (BitFit), adapters after the FFN of all 12 layers of both encoders,
# d' = 64, s = 0.1, TAM with calibration, CMT on the last two layers
# (Down-In, factor dim 32), the authors' initialisation. Benchmark configs
# set the authors' per-benchmark CMT settings.
model = dict(
    type='VideoTextRetriever',
    clip=dict(arch='ViT-B-16', pretrained='openai', max_words=32,
              frozen=True, trainable=('bias', )),
    adapter=dict(
        type='MVAdapter', bottleneck=64, scale=0.1, max_frames=12,
        temporal=True, calibration=True, cmt=True, cmt_layers=(-2, -1),
        cmt_position='down_in', cmt_dim=32, input_norm=False,
        init='authors'),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'),
    # The authors' (CLIP4Clip's) cross-rank gather: each rank keeps its own
    # copy's gradient, so clip_grad=1.0 acts where theirs did.
    loss=dict(type='SymmetricInfoNCELoss', gather_grad='local'))

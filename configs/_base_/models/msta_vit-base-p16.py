# MSTA on OpenCLIP ViT-B/16 (the paper uses ViCLIP-B; see configs/msta/README.md):
# frozen backbone, adapters with m = 256 in all 12 blocks of both encoders
# (8.7 M trainable), lambda = 0.005, 8 frames. (MMA's gradient-scaling rule is
# AdamW's eps times lambda: configs/_base_/schedules/msta_adamw.py.)

model = dict(
    type='CLIPRecognizer',
    clip=dict(arch='ViT-B-16', pretrained='openai', max_words=77,
              frozen=True),
    adapter=dict(type='MSTA', m=256, start_layer=0, end_layer=None,
                 scale=0.005),
    num_frames=8,
    # The paper writes "a video of {cls}"; the released logs use this one.
    template='a photo of a {}.',
    class_names=None,  # set by the dataset config
    data_preprocessor=dict(type='VideoTextDataPreprocessor'))

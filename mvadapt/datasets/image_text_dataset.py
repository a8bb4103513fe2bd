"""Image-caption dataset: images as one-frame clips."""
from mvadapt.registry import DATASETS

from .retrieval_dataset import RetrievalDataset


@DATASETS.register_module()
class ImageTextDataset(RetrievalDataset):
    """Image-caption pairs in MMAction2's video-text JSON layout,
    ``{"image.png": ["caption", ...]}``, with images under
    ``data_prefix['img']``.

    Everything else works as in :class:`RetrievalDataset` (one sample per
    caption in training, one per image with all its captions in evaluation,
    unreadable training images skipped and counted); the pipeline starts
    with :class:`~mvadapt.datasets.transforms.LoadImageClip`, so each image
    becomes a clip of one frame ``[1, C, H, W]`` and video-text models train
    on it unchanged (the MovingShapes demo pretrains its tiny CLIP this way).

    Args:
        ann_file (str): Path to the JSON annotation file.
        pipeline (list): Data transforms.
        data_prefix (dict): ``dict(img=folder)``. Defaults to
            ``dict(img='')``.
        **kwargs: Other :class:`RetrievalDataset` arguments (``frame_cache``
            is not supported: images are read directly).
    """

    prefix_key = 'img'

    def __init__(self, ann_file, pipeline, data_prefix: dict = dict(img=''),
                 **kwargs) -> None:
        if kwargs.get('frame_cache') is not None:
            raise ValueError('ImageTextDataset reads images directly; remove '
                             'frame_cache from its config')
        super().__init__(ann_file, pipeline, data_prefix=data_prefix,
                         **kwargs)

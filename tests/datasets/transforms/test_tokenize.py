import pytest
import torch

from mvadapt.datasets.transforms import OpenCLIPTokenize

SOT, EOT = 49406, 49407


def test_single_and_list():
    t = OpenCLIPTokenize(max_words=8)
    one = t(dict(text='a red square'))['text']
    assert one.shape == (1, 8) and one.dtype == torch.long
    assert one[0, 0] == SOT and EOT in one[0].tolist()
    many = t(dict(text=['a', 'b c']))['text']
    assert many.shape == (2, 8)


def test_long_caption_truncated_and_ends_with_eot():
    t = OpenCLIPTokenize(max_words=6)
    tokens = t(dict(text='one two three four five six seven eight'))['text']
    assert tokens.shape == (1, 6)
    assert tokens[0, -1] == EOT and tokens.argmax() == 5


def test_bad_text_raises_with_filename():
    with pytest.raises(ValueError, match='x.mp4'):
        OpenCLIPTokenize()(dict(text=[], filename='x.mp4'))



def test_memo_gives_the_same_ids_and_stays_bounded():
    captions = ['a red square moves left', 'a small blue circle',
                'a red square moves left', 'a big green triangle']
    plain = OpenCLIPTokenize(max_words=12, cache_size=0)
    memo = OpenCLIPTokenize(max_words=12, cache_size=2)
    for c in captions + [captions] + captions[::-1]:
        want = plain(dict(text=c))['text']
        got = memo(dict(text=c))['text']
        assert torch.equal(got, want)
        assert len(memo._memo) <= 2
    assert not plain._memo
    # the ids handed out are copies: changing them leaves the memo intact
    out = memo(dict(text=captions[3]))['text']
    out.zero_()
    assert torch.equal(memo(dict(text=captions[3]))['text'],
                       plain(dict(text=captions[3]))['text'])


def test_memo_pickles_to_workers_by_value():
    # a filled memo goes to spawned data-loader workers with the transform:
    # by value, not as one shared-memory file descriptor a row (tensors)
    import os
    from multiprocessing.reduction import ForkingPickler
    import pickle
    memo = OpenCLIPTokenize(max_words=12)
    captions = [f'shape number {i} moves left' for i in range(300)]
    for c in captions:
        memo(dict(text=c))
    fds = len(os.listdir('/proc/self/fd'))
    data = ForkingPickler.dumps(memo)
    assert len(os.listdir('/proc/self/fd')) - fds < 10
    copy = pickle.loads(data)
    assert len(copy._memo) == 300
    assert torch.equal(copy(dict(text=captions[7]))['text'],
                       OpenCLIPTokenize(max_words=12, cache_size=0)(
                           dict(text=captions[7]))['text'])


def test_random_token_dropping_is_not_memoised(tmp_path):
    # an OpenCLIP config whose tokenizer drops tokens at random to fit
    # (reduction_mask) draws anew each call; a memo would freeze one draw
    import json
    (tmp_path / 'open_clip_config.json').write_text(json.dumps(dict(
        model_cfg=dict(text_cfg=dict(
            tokenizer_kwargs=dict(reduction_mask='random'))))))
    t = OpenCLIPTokenize(max_words=6, arch=f'local-dir:{tmp_path}')
    caption = 'one two three four five six seven eight nine ten'
    draws = []
    for seed in (0, 1, 0):
        torch.manual_seed(seed)
        draws.append(t(dict(text=caption))['text'])
    assert torch.equal(draws[0], draws[2])
    assert not torch.equal(draws[0], draws[1])
    assert not t._memo

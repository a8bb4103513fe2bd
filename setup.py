"""mvadapt: parameter-efficient transfer of CLIP to video (MMAction2 plugin).

``configs/`` and ``tools/`` are reachable from the installed package under
``mvadapt/.mim`` (symlinks for an editable install, copies otherwise), as in
MMAction2, so ``mim`` and ``mvadapt.utils.get_config_path`` find them.
"""
import os
import os.path as osp
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(name):
    with open(osp.join(HERE, 'requirements', name)) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith(('#', '-r'))]


def mmcv_requirement():
    """mmcv-lite unless a full mmcv (with compiled ops) is installed."""
    try:
        version('mmcv')
        return ['mmcv>=2.0.0,<2.2.0']
    except PackageNotFoundError:
        return read_requirements('mmcv.txt')


def add_mim_extension():
    """Expose configs/ and tools/ inside the package (mvadapt/.mim)."""
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv or \
            any('egg_info' in a for a in sys.argv):
        mode = 'symlink'
    elif any(a in sys.argv for a in ('sdist', 'bdist_wheel', 'install',
                                     'build')):
        mode = 'copy'
    else:
        return
    mim_path = osp.join(HERE, 'mvadapt', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in ('configs', 'tools'):
        src = osp.join(HERE, name)
        dst = osp.join(mim_path, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_path), dst)
        else:
            shutil.copytree(src, dst,
                            ignore=shutil.ignore_patterns('__pycache__'))


def get_version():
    scope = {}
    with open(osp.join(HERE, 'mvadapt', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mvadapt',
        version=get_version(),
        description='Parameter-efficient transfer of CLIP to video: '
        'MV-Adapter and MSTA on MMAction2',
        long_description=open(osp.join(HERE, 'README.md')).read(),
        long_description_content_type='text/markdown',
        packages=find_packages(exclude=('tests', 'tests.*', 'configs',
                                        'tools', 'projects')),
        include_package_data=True,
        package_data={'mvadapt': ['.mim/configs/**/*', '.mim/tools/**/*',
                                  'datasets/protocols/*/*']},
        python_requires='>=3.9',
        install_requires=read_requirements('runtime.txt') +
        mmcv_requirement(),
        extras_require={
            'tests': read_requirements('tests.txt') +
            read_requirements('search.txt'),
            # mvadapt.apis.VideoSearcher, tools/index_videos.py
            'search': read_requirements('search.txt'),
            # tools/search_app.py (the search web page)
            'app': read_requirements('search.txt') +
            read_requirements('app.txt'),
            # its browser test, with the system Chromium
            'browser-tests': read_requirements('browser_tests.txt'),
            # TorchCodecInit/TorchCodecDecode; needs FFmpeg's shared libraries
            'torchcodec': ['torchcodec'],
        },
        license='Apache License 2.0',
        zip_safe=False)

from .adapters import *  # noqa: F401,F403
from .clip import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .recognizers import *  # noqa: F401,F403
from .retrievers import *  # noqa: F401,F403

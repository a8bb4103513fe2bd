from .config import PlaceholderError, load_config, resolve_placeholders
from .setup_env import register_all_modules

__all__ = ['register_all_modules', 'load_config', 'resolve_placeholders',
           'PlaceholderError']

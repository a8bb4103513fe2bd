from .runner_utils import enable_amp, setup_distributed

__all__ = ['enable_amp', 'setup_distributed']

from .param_report import TrainableParamsHook

__all__ = ['TrainableParamsHook']

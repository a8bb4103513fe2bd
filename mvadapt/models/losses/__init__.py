from .consistency import ConsistencyLoss, consistency_loss
from .infonce import SymmetricInfoNCELoss

__all__ = ['ConsistencyLoss', 'SymmetricInfoNCELoss', 'consistency_loss']

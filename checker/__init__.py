"""gbm-check: check bills of quantities against China's green building material rules."""
__version__ = "0.1.0"

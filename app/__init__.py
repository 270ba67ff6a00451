"""TwoMaps (应急管理“两张图”): the FastAPI service."""

__version__ = "0.1.0"

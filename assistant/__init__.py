"""Field Assistant core: manuals, retrieval, grounded answers. Never imports Qt."""

__version__ = "0.1.0"

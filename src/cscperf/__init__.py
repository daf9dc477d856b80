"""cscperf: children's social care performance monitoring for English councils."""

__version__ = "0.1.0"

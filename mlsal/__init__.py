"""mlsal: salary estimates for Machine Learning Engineers, every figure traced to its source."""

__version__ = "0.1.0"

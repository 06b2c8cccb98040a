"""GMM Explorer: watch EM fit a Gaussian mixture, one iteration at a time."""

__version__ = "0.1.0"

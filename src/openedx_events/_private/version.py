"""The library version, sent with every event as ``sourcelib``."""

VERSION = "0.1.0"

"""The library version, sent with every event as ``sourcelib``.

The first three numbers are the release of the reference implementation (the ``openedx-events``
distribution) whose API this package implements; the fourth counts this package's releases of
that API. Plugins require ``openedx-events>=9.x``, which this version satisfies, so installing
one beside this package keeps it. Every part is an integer, as ``sourcelib`` (a tuple of ints)
and code that splits ``__version__`` on dots expect.
"""

VERSION = "11.2.0.1"

#: The reference release whose public API this package implements.
REFERENCE_VERSION = ".".join(VERSION.split(".")[:3])

"""The signal class and catalog loading, at the reference's import path.

Plugins written for the reference implementation import ``OpenEdxPublicSignal`` and
``load_all_signals`` from here.
"""

from openedx_events._private.registry import SignalRegistry, load_all_signals
from openedx_events._private.signal import OpenEdxPublicSignal

__all__ = ["OpenEdxPublicSignal", "SignalRegistry", "load_all_signals"]

"""Events of the analytics subdomain: data classes in ``data``, signals in ``signals``."""

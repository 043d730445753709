"""Events of the enterprise subdomain: data classes in ``data``, signals in ``signals``."""

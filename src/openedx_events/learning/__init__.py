"""Events of the learning subdomain: data classes in ``data``, signals in ``signals``."""

"""Events of the authz subdomain: data classes in ``data``, signals in ``signals``."""

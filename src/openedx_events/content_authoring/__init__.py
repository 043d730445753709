"""Events of the content authoring subdomain: data classes in ``data``, signals in ``signals``."""

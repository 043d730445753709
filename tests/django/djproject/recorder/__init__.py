"""An app whose receivers are connected with Django's ``@receiver``, as plugins do."""

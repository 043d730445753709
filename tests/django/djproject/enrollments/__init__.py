"""An app that writes enrollments and sends their events, as an Open edX service does."""

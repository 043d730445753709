"""The outbox table: encoded events waiting for the relay."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):  # type: ignore[misc]  # Django ships no type hints
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("topic", models.CharField(max_length=249)),
                ("key", models.TextField(null=True)),
                ("headers", models.JSONField()),
                ("payload", models.BinaryField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True, default="")),
                ("lease_owner", models.CharField(blank=True, default="", max_length=64)),
                ("lease_until", models.DateTimeField(null=True)),
            ],
            options={
                "db_table": "openedx_events_outbox",
                "indexes": [
                    models.Index(
                        condition=models.Q(("sent_at__isnull", True)),
                        fields=["id"],
                        name="openedx_events_outbox_unsent",
                    ),
                    models.Index(fields=["sent_at"], name="openedx_events_outbox_sent"),
                ],
            },
        ),
    ]

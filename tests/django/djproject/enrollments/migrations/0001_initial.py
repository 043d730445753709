"""The enrollments and the events received from the bus."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Enrollment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("user_id", models.BigIntegerField()),
                ("course_key", models.CharField(max_length=255)),
            ],
        ),
        migrations.CreateModel(
            name="ReceivedEnrollment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event_id", models.CharField(max_length=36, unique=True)),
                ("user_id", models.BigIntegerField()),
            ],
        ),
    ]

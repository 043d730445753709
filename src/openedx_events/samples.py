"""Realistic sample payloads for every event, for tests, demos and benchmarks.

``sample_event_data(signal, index)`` returns keyword arguments that ``signal.send_event``
accepts. The same index always gives the same payload; different indexes give different users,
courses, blocks and times, so a stream of samples looks like real traffic.
"""

from __future__ import annotations

import io
import json
import random
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO
from uuid import UUID

from ccx_keys.locator import CCXLocator
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import (
    LibraryCollectionLocator,
    LibraryContainerLocator,
    LibraryLocatorV2,
    LibraryUsageLocatorV2,
)

from openedx_events._private.fields import data_fields, is_data_class
from openedx_events._private.signal import OpenEdxPublicSignal
from openedx_events.authz.data import RoleAssignmentData
from openedx_events.learning.data import (
    ExternalGraderScoreData,
    LtiProviderLaunchData,
    LtiProviderLaunchParamsData,
)

__all__ = ["sample_event_data", "sample_instance"]

_EPOCH = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_ORGS = ("edX", "MITx", "HarvardX", "OpenedX")
_COURSES = ("DemoX", "CS101", "Physics201", "Writing50", "Data8")
_RUNS = ("2024_T1", "2024_T2", "2025_T1")
_BLOCK_TYPES = ("problem", "html", "video", "vertical", "sequential")
_FIRST = ("Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Linus", "Radia")
_LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Torvalds", "Perlman")
# A 1x1 transparent PNG, for the certificate signatory's signature image.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _course_key(rng: random.Random) -> CourseKey:
    org, course, run = rng.choice(_ORGS), rng.choice(_COURSES), rng.choice(_RUNS)
    return CourseKey.from_string(f"course-v1:{org}+{course}+{run}")


def _usage_key(rng: random.Random) -> UsageKey:
    course = _course_key(rng)
    block_type = rng.choice(_BLOCK_TYPES)
    return course.make_usage_key(block_type, f"{rng.getrandbits(64):016x}")


def _library_key(rng: random.Random) -> LibraryLocatorV2:
    return LibraryLocatorV2.from_string(f"lib:{rng.choice(_ORGS)}:lib{rng.randrange(100)}")


def _library_usage_key(rng: random.Random) -> LibraryUsageLocatorV2:
    library = _library_key(rng)
    block_type = rng.choice(("problem", "html", "video"))
    return LibraryUsageLocatorV2.from_string(
        f"lb:{library.org}:{library.slug}:{block_type}:b{rng.randrange(10**6)}"
    )


def _collection_key(rng: random.Random) -> LibraryCollectionLocator:
    return LibraryCollectionLocator(_library_key(rng), f"col{rng.randrange(1000)}")


def _container_key(rng: random.Random) -> LibraryContainerLocator:
    container_type = rng.choice(("unit", "subsection", "section"))
    return LibraryContainerLocator(
        _library_key(rng), container_type, f"{container_type}{rng.randrange(1000)}"
    )


def _ccx_key(rng: random.Random) -> CCXLocator:
    course = _course_key(rng)
    return CCXLocator.from_course_locator(course, str(rng.randrange(1, 500)))


def _time(rng: random.Random) -> datetime:
    return _EPOCH + timedelta(seconds=rng.randrange(0, 365 * 24 * 3600))


_BY_TYPE: dict[Any, Callable[[random.Random], Any]] = {
    int: lambda rng: rng.randrange(1, 2_000_000),
    float: lambda rng: round(rng.uniform(0, 1), 4),
    bool: lambda rng: rng.random() < 0.5,
    datetime: _time,
    UUID: lambda rng: UUID(int=rng.getrandbits(128), version=4),
    CourseKey: _course_key,
    UsageKey: _usage_key,
    LibraryLocatorV2: _library_key,
    LibraryUsageLocatorV2: _library_usage_key,
    LibraryCollectionLocator: _collection_key,
    LibraryContainerLocator: _container_key,
    CCXLocator: _ccx_key,
    BinaryIO: lambda rng: io.BytesIO(_PNG),
}


# Fields whose values come from a small vocabulary on the platform.
_CHOICES: dict[str, tuple[str, ...]] = {
    "mode": ("audit", "verified", "honor", "professional", "no-id-professional"),
    "status": ("approved", "denied", "pending", "awarded", "revoked"),
    "current_status": ("downloadable", "notpassing", "unverified", "audit_passing"),
    "previous_status": ("", "notpassing", "unavailable"),
    "grade": ("0.95", "0.82", "0.71", "0.64"),
    "letter_grade": ("A", "B", "C", "Pass"),
    "pacing": ("instructor", "self"),
    "role": ("staff", "instructor", "beta_testers", "data_researcher"),
    "exam_type": ("timed", "proctored", "practice", "onboarding"),
    "provider_type": ("openedx", "legacy", "piazza", "ed-discuss"),
    "certificate_type": ("honor", "verified", "professional"),
    "fulfillment_type": ("learner_credit", "license"),
    "state": ("created", "pending", "committed", "failed"),
    "thread_type": ("discussion", "question"),
    "app_name": ("discussion", "updates", "grading"),
    "notification_type": ("new_comment", "new_response", "course_update", "ora_grade_assigned"),
    "program_type": ("MicroMasters", "Professional Certificate", "XSeries"),
    "block_type": ("problem", "html", "video", "vertical", "sequential"),
    "origin": ("openedx_credentials", "badgr"),
    "fulfillment_identifier": ("enrollment-fulfillment", "entitlement-fulfillment"),
}


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_FIRST), rng.choice(_LAST)


def _string(name: str, rng: random.Random) -> str:  # noqa: PLR0911  (one return per kind of field)
    first, last = _person(rng)
    number = rng.randrange(1, 100_000)
    if name in _CHOICES:
        return rng.choice(_CHOICES[name])
    if name == "email" or name.endswith("_email"):
        return f"{first.lower()}.{last.lower()}{number}@example.com"
    if name == "username":
        return f"{first.lower()}_{last.lower()}{number}"
    if name == "name":
        return f"{first} {last}"
    if name.endswith("url"):
        return f"https://courses.example.com/{name.removesuffix('_url')}/{number}"
    if name == "uuid" or name.endswith("_uuid") or name in ("id", "subsidy_identifier"):
        return str(UUID(int=rng.getrandbits(128), version=4))
    if name in ("data", "context"):
        return json.dumps({"user_id": number, "course_id": str(_course_key(rng))})
    if name in ("course_id", "content_key", "course_key", "object_id", "location"):
        return str(_usage_key(rng) if name in ("object_id", "location") else _course_key(rng))
    if name in ("start", "end", "timestamp"):
        return _time(rng).isoformat()
    return f"{name.replace('_', '-')}-{number}"


def _value(annotation: Any, name: str, rng: random.Random, optionals: bool) -> Any:
    factory = _BY_TYPE.get(annotation)
    if factory is not None:
        return factory(rng)
    if annotation is str:
        return _string(name, rng)
    if is_data_class(annotation):
        return sample_instance(annotation, rng=rng, optionals=optionals)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        return [_value(args[0], name, rng, optionals) for _ in range(rng.randrange(1, 4))]
    if origin is dict:
        return {
            f"{name}_{i}": _value(args[1], f"{name}_{i}", rng, optionals)
            for i in range(rng.randrange(1, 3))
        }
    raise TypeError(f"no sample value for field {name!r} of type {annotation!r}")


def _role_assignment(values: dict[str, Any], rng: random.Random) -> None:
    first, last = _person(rng)
    values["operation"] = rng.choice(("assign", "unassign"))
    values["subject"] = f"user^{first.lower()}_{last.lower()}{rng.randrange(1, 100_000)}"
    values["role"] = rng.choice(
        (
            "role^library_admin",
            "role^library_author",
            "role^library_contributor",
            "role^library_user",
        )
    )
    values["scope"] = f"lib^{_library_key(rng)}"


def _grader_score(values: dict[str, Any], rng: random.Random) -> None:
    values["points_possible"] = possible = rng.randrange(1, 11)
    values["points_earned"] = rng.randrange(0, possible + 1)
    values["score_msg"] = rng.choice(
        ("<p>Correct</p>", "<p>Partially correct</p>", "<p>Incorrect</p>")
    )
    values["user_id"] = f"{rng.getrandbits(128):032x}"  # an anonymous user id
    values["module_id"] = str(_usage_key(rng))
    values["queue_key"] = f"{rng.getrandbits(128):032x}"
    values["queue_name"] = rng.choice(("python-grader", "java-grader", "matlab"))


def _lti_launch_params(values: dict[str, Any], rng: random.Random) -> None:
    values["roles"] = rng.choice(("Learner", "Instructor", "urn:lti:role:ims/lis/Learner"))
    values["context_id"] = f"context-{rng.randrange(1, 10_000)}"
    values["user_id"] = f"{rng.getrandbits(64):016x}"
    values["extra_params"] = {"lis_result_sourcedid": f"{rng.getrandbits(64):016x}"}


def _lti_launch(values: dict[str, Any], rng: random.Random) -> None:
    # The launched block belongs to the launched course.
    values["usage_key"] = values["course_key"].make_usage_key(
        rng.choice(_BLOCK_TYPES), f"{rng.getrandbits(64):016x}"
    )


# Classes whose fields depend on one another or follow a platform convention: these adjust the
# generic values in place (after drawing them, so other classes' samples are unchanged).
_ADJUST: dict[type, Callable[[dict[str, Any], random.Random], None]] = {
    RoleAssignmentData: _role_assignment,
    ExternalGraderScoreData: _grader_score,
    LtiProviderLaunchParamsData: _lti_launch_params,
    LtiProviderLaunchData: _lti_launch,
}


def sample_instance(
    cls: type, index: int = 0, *, rng: random.Random | None = None, optionals: bool = True
) -> Any:
    """A realistic instance of data class ``cls``.

    Args:
        cls: an attrs data class of the catalog (or one shaped like them).
        index: picks the sample; the same index gives the same instance.
        rng: a random generator to draw from instead of one seeded by ``index``.
        optionals: fill the fields that default to ``None`` (``False`` leaves them ``None``).
    """
    rng = rng if rng is not None else random.Random(index)
    values = {}
    for field in data_fields(cls):
        if field.optional and not optionals:
            continue
        values[field.name] = _value(field.type, field.name, rng, optionals)
    adjust = _ADJUST.get(cls)
    if adjust is not None:
        adjust(values, rng)
    return cls(**values)


def sample_event_data(
    signal: OpenEdxPublicSignal, index: int = 0, *, optionals: bool = True
) -> dict[str, Any]:
    """Keyword arguments for ``signal.send_event``: a realistic, valid payload.

    Args:
        signal: the event to build data for.
        index: picks the sample; the same index gives the same payload.
        optionals: fill the fields that default to ``None``.
    """
    rng = random.Random(f"{signal.event_type}:{index}")
    return {
        name: sample_instance(cls, rng=rng, optionals=optionals)
        for name, cls in signal.init_data.items()
    }

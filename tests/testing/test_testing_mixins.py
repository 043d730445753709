"""The unittest mixins, run by a real unittest runner."""

from __future__ import annotations

import io
import unittest
from typing import Any, ClassVar

from openedx_events.analytics.signals import TRACKING_EVENT_EMITTED
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CREATED,
    STUDENT_REGISTRATION_COMPLETED,
)
from openedx_events.samples import sample_event_data
from openedx_events.testing import (
    EventsIsolationMixin,
    FreezeSignalCacheMixin,
    OpenEdxEventsTestMixin,
)
from openedx_events.tooling import OpenEdxPublicSignal


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    """Run every test of ``case`` (setUpClass/tearDownClass included)."""
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def broken(**kwargs: Any) -> None:
    raise RuntimeError("broken receiver")


def test_open_edx_events_test_mixin_isolates_the_class_and_restores_after() -> None:
    """Only ENABLED_OPENEDX_EVENTS are on during the class, their failures propagate."""
    seen: dict[str, Any] = {}

    class IsolatedCase(OpenEdxEventsTestMixin, unittest.TestCase):
        ENABLED_OPENEDX_EVENTS: ClassVar[list[str]] = [TRACKING_EVENT_EMITTED.event_type]

        def test_switches(self) -> None:
            seen["tracking"] = TRACKING_EVENT_EMITTED.enabled
            seen["enrollment"] = COURSE_ENROLLMENT_CREATED.enabled
            seen["others_off"] = all(
                not signal.enabled
                for signal in OpenEdxPublicSignal.all_events()
                if signal is not TRACKING_EVENT_EMITTED
            )
            try:
                TRACKING_EVENT_EMITTED.send_event(**sample_event_data(TRACKING_EVENT_EMITTED))
            except RuntimeError:
                seen["failure_propagated"] = True
            data = sample_event_data(COURSE_ENROLLMENT_CREATED)
            seen["disabled_result"] = COURSE_ENROLLMENT_CREATED.send_event(**data)

    TRACKING_EVENT_EMITTED.connect(broken)
    try:
        result = run_case(IsolatedCase)
    finally:
        TRACKING_EVENT_EMITTED.disconnect(broken)
    assert result.wasSuccessful(), result.failures + result.errors
    assert seen == {
        "tracking": True,
        "enrollment": False,
        "others_off": True,
        "failure_propagated": True,
        "disabled_result": [],
    }
    assert all(signal.enabled for signal in OpenEdxPublicSignal.all_events())
    assert not TRACKING_EVENT_EMITTED._allow_send_event_failure


def test_isolation_mixin_class_methods_switch_events() -> None:
    """disable_all_events, enable_events_by_type, allow_send_events_failure, enable_all."""
    seen: list[bool] = []

    class SwitchingCase(EventsIsolationMixin, unittest.TestCase):
        def test_switches(self) -> None:
            self.disable_all_events()
            seen.append(STUDENT_REGISTRATION_COMPLETED.enabled)
            self.enable_events_by_type(STUDENT_REGISTRATION_COMPLETED.event_type)
            seen.append(STUDENT_REGISTRATION_COMPLETED.enabled)
            seen.append(COURSE_ENROLLMENT_CREATED.enabled)
            self.allow_send_events_failure(STUDENT_REGISTRATION_COMPLETED.event_type)
            seen.append(STUDENT_REGISTRATION_COMPLETED._allow_send_event_failure)
            self.enable_all_events()
            seen.append(COURSE_ENROLLMENT_CREATED.enabled)
            self.disable_all_events()  # left for tearDownClass to undo

    result = run_case(SwitchingCase)
    assert result.wasSuccessful(), result.failures + result.errors
    assert seen == [False, True, False, True, True]
    assert all(signal.enabled for signal in OpenEdxPublicSignal.all_events())
    assert not STUDENT_REGISTRATION_COMPLETED._allow_send_event_failure


def test_freeze_signal_cache_mixin_restores_the_receivers() -> None:
    """Receivers connected during the class are gone after it; disconnected ones are back."""

    def kept(**kwargs: Any) -> str:
        return "kept"

    def added(**kwargs: Any) -> str:
        return "added"

    class ConnectingCase(FreezeSignalCacheMixin, unittest.TestCase):
        def test_connects(self) -> None:
            TRACKING_EVENT_EMITTED.disconnect(kept)
            TRACKING_EVENT_EMITTED.connect(added)
            assert TRACKING_EVENT_EMITTED.receivers == (added,)

    TRACKING_EVENT_EMITTED.connect(kept)
    try:
        result = run_case(ConnectingCase)
        assert result.wasSuccessful(), result.failures + result.errors
        assert TRACKING_EVENT_EMITTED.receivers == (kept,)
    finally:
        TRACKING_EVENT_EMITTED.disconnect(kept)


def test_freeze_signal_cache_mixin_forgets_the_signals_declared_in_the_class() -> None:
    """A signal a test declares is gone after the class; one it redeclared is back."""
    original = TRACKING_EVENT_EMITTED

    class DeclaringCase(FreezeSignalCacheMixin, unittest.TestCase):
        def test_declares(self) -> None:
            OpenEdxPublicSignal("org.openedx.test.frozen.v1", {"name": str})
            OpenEdxPublicSignal(original.event_type, {"name": str})
            assert OpenEdxPublicSignal.get_signal_by_type(original.event_type) is not original

    result = run_case(DeclaringCase)
    assert result.wasSuccessful(), result.failures + result.errors
    assert OpenEdxPublicSignal.get_signal_by_type(original.event_type) is original
    assert "org.openedx.test.frozen.v1" not in {
        s.event_type for s in OpenEdxPublicSignal.all_events()
    }

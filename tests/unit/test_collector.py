"""A collection pause keeps the cyclic collector off inside it and leaves it as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from circlekeeper.services.collector import collection_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    """Each test starts with the collector running and leaves it as the suite had it."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_inside_and_back_on_after() -> None:
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_nested_pauses_resume_only_when_the_outer_one_ends() -> None:
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_failure_inside_still_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    """The CLI keeps the collector off for its whole life: a pause must not turn it on."""
    was = gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_overlapping_pauses_in_two_threads_resume_when_the_last_ends() -> None:
    """A pause begun in a worker thread and one on the main thread overlap; the collector comes
    back only when both have ended, whichever ends first."""
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with collection_paused():
            inside.set()
            release.wait(timeout=10)

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(timeout=10)
    with collection_paused():
        release.set()
        thread.join(timeout=10)
        assert not gc.isenabled()
    assert gc.isenabled()

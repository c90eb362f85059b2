"""Data sets built once per test session and shared by the tests that read them.

Building the demo clinic or the authorization world takes from a second to many; hundreds of
tests need one of them. ``@data_set`` turns a builder into a fixture of the same name:

    @data_set
    def authz_world() -> World:
        ...  # create rows; return what the tests need to find them

The builder runs inside a transaction that stays open while the tests asking for the fixture
run one after another (collection puts them next to each other), so it runs once per session
(once per xdist worker). Each test then runs in pytest-django's ``db`` savepoint on top of it:
whatever a test writes is rolled back and the next test sees the data set exactly as built.
When the next test does not use the data set, its transaction is rolled back too and the
database is empty again, as every other test expects.

Rules, checked when they are broken: a test asking for a data set must not also ask for ``db``
before it, carry ``@pytest.mark.django_db`` (the data set sets ``db`` up itself, after it) or need
a transactional database (``transactional_db``, ``live_server``), and it uses one data set at a
time. The value the builder returned is shared: a fixture built on it should hand each test a
copy (``copy.deepcopy``) if tests may change the objects in memory. The builder runs under the
first such test's fixtures (settings, frozen time), so the tests sharing a data set should not
freeze different times.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

_BUILDERS: dict[str, Callable[[], Any]] = {}
_SHARED = pytest.StashKey["_SharedData"]()


def data_set(build: Callable[[], T]) -> Any:
    """A fixture named like ``build`` whose value ``build()`` made once per group of tests."""
    name = build.__name__
    known = _BUILDERS.setdefault(name, build)
    if (known.__module__, known.__qualname__) != (build.__module__, build.__qualname__):
        raise ValueError(f"two data sets are named {name}")

    # ``_data_set`` comes first: the data set's transaction must be open before ``db`` opens
    # this test's savepoint on top of it.
    @pytest.fixture(name=name)
    def fixture(_data_set: T, db: None) -> Iterator[T]:
        _forget_process_caches()
        yield _data_set
        _forget_process_caches()

    fixture.__doc__ = build.__doc__
    return fixture


def data_set_of(item: pytest.Item) -> str | None:
    names = sorted(_BUILDERS.keys() & set(getattr(item, "fixturenames", ())))
    if len(names) > 1:
        raise pytest.UsageError(f"{item.nodeid} uses two shared data sets: {names}")
    return names[0] if names else None


def _forget_process_caches() -> None:
    # Clinic histories are cached per process by clinic id; a rollback makes them stale.
    from alliance.alerts.monitoring import clear_history_cache

    clear_history_cache()


class _SharedData:
    def __init__(self, blocker: Any) -> None:
        self._blocker = blocker
        self.name: str | None = None
        self._atomic: Any = None
        self._value: Any = None

    def enter(self, name: str, build: Callable[[], T], request: pytest.FixtureRequest) -> T:
        from django.db import connection, transaction

        if request.node.get_closest_marker("django_db") is not None:
            pytest.fail(f"{name} sets up the database itself: drop @pytest.mark.django_db")
        if {"transactional_db", "live_server"} & set(request.fixturenames):
            pytest.fail(f"{name} is shared in a transaction; it cannot serve a transactional test")
        if len(connection.atomic_blocks) > (0 if self.name is None else 1):
            pytest.fail(f"{name} must be set up before the test's savepoint: ask for it first")
        if self.name == name:
            return self._value
        self.close()
        with self._blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                value = build()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self.name, self._atomic, self._value = name, atomic, value
        return value

    def close(self) -> None:
        if self.name is None:
            return
        from django.db import transaction

        atomic, self.name, self._atomic, self._value = self._atomic, None, None, None
        with self._blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        _forget_process_caches()


@pytest.fixture
def _data_set(request: pytest.FixtureRequest, _shared_data: _SharedData) -> Any:
    name = data_set_of(request.node)
    assert name is not None, "_data_set is only for the fixtures @data_set makes"
    return _shared_data.enter(name, _BUILDERS[name], request)


@pytest.fixture(scope="session")
def _shared_data(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[_SharedData]:
    shared = _SharedData(django_db_blocker)
    request.config.stash[_SHARED] = shared
    yield shared
    shared.close()
    del request.config.stash[_SHARED]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests of each data set one after another, where the first of them was."""
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        name = data_set_of(item)
        if name is not None:
            groups.setdefault(name, []).append(item)
    if not groups:
        return
    ordered: list[pytest.Item] = []
    for item in items:
        name = data_set_of(item)
        if name is None:
            ordered.append(item)
        elif name in groups:
            ordered.extend(groups.pop(name))
    items[:] = ordered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        # After the test's own savepoint is rolled back: drop the data set unless the next test
        # uses it too.
        shared = item.config.stash.get(_SHARED, None)
        if (
            shared is not None
            and shared.name is not None
            and (nextitem is None or data_set_of(nextitem) != shared.name)
        ):
            shared.close()

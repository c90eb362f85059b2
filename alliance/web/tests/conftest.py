"""Fixtures of the web tests."""

from alliance.web.tests.demo_data import loaded_demo

__all__ = ["loaded_demo"]

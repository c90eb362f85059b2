"""Fixtures of the demo tests."""

from alliance.demo.tests.demo_data import loaded_demo

__all__ = ["loaded_demo"]

"""Shared fixtures for the test suite, by section.

* Scenario factories: shipped scenarios loaded once, with dotted overrides; a tiny fast
  scenario; strategy-pair override builders.
"""

from __future__ import annotations

import pytest

# The strategy test harness asserts in a support module: let pytest explain its failures.
pytest.register_assert_rewrite("strategy_harness")

"""Settings for the whole suite."""
from __future__ import annotations

import os

from hypothesis import settings

# CI runs the property tests on a fixed sequence of examples, so that a run is repeatable and a red
# CI names an input that fails again locally; elsewhere each run explores new examples.
# HYPOTHESIS_PROFILE=explore asks for the random sequence in CI too.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "explore"))

"""The hypothesis profiles of the fuzz tests, in one place.

`ci` (the default) is small and derandomized, so CI runs the same examples every time;
`HYPOTHESIS_PROFILE=campaign` runs the long campaign docs/reliability.md reports, with
`NEWSTRACE_FUZZ_EXAMPLES` examples per test (2000 by default).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=40, derandomize=True, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "campaign",
    max_examples=int(os.environ.get("NEWSTRACE_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
CAMPAIGN = PROFILE == "campaign"

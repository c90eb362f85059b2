from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at the OWASP Password Storage floor: 19 MiB, 2 passes, 1 lane.

    Django's default is 100 MiB and 8 lanes per hash, so 40 log-ins at once would take about
    4 GiB. At 19 MiB the same burst takes about 760 MiB (measured in docs/benchmarks.md).
    Changing a parameter makes Django re-hash each password at its owner's next log-in.
    Source: OWASP Password Storage Cheat Sheet, Argon2id minimum configuration (m = 19 MiB,
    t = 2, p = 1).
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

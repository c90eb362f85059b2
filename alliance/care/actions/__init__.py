"""Every change to episodes, frames, sessions and calendar feeds: one ``do_*`` each, atomic and
audited once, in ``episodes``, ``frames``, ``sessions`` and ``calendar``."""

"""Alliance's pure-Python heart: no Django, no I/O, no clock (callers pass ``now``)."""

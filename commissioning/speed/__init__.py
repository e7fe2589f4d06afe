"""The speed layer: what Django does, done by hand where the benchmark showed it to cost too
much. README.md beside this file names, for each module, the measurement that justifies it,
the test that compares it with Django's own output, and when to delete it."""

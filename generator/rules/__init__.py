"""The compliance checks: one module per kind of check, registered in ``registry``.

A rule of a pack names its kind in ``check``; ``registry.KINDS[kind]`` holds the kind's
check function and its typed parameters (``Params``, declared in the check's module). A check
yields ``Finding`` values for one centre (see ``base``). Each module's docstring says what it
checks, which clause, and shows a passing and a failing example; docs/checks.md documents
every rule id and every kind (a test checks both). Thresholds always come from the rule pack.
"""

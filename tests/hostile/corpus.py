"""The corpus: every hostile case, by kind (see case.py for what a case says)."""

from __future__ import annotations

from . import (argument_cases, binary_cases, engine_cases, model_cases, session_cases,
               stream_cases, text_cases)

CASES = [*text_cases.cases(), *binary_cases.cases(), *model_cases.cases(),
         *session_cases.cases(), *argument_cases.cases(), *stream_cases.cases(),
         *engine_cases.cases()]
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "two cases share a name"

"""YAML text (front matter, `_data/*.yml` reading lists) to Python values, through libyaml when present.

PyYAML's pure-Python scanner was a tenth of all extraction time on the dev set; its C binding
(`CSafeLoader`, shipped in PyYAML's wheels) builds the same values with the same safe constructor.
"""

from __future__ import annotations

import yaml

YAMLError = yaml.YAMLError
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> object:
    """`yaml.safe_load`, parsed by libyaml where PyYAML was built with it."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader either way: no arbitrary objects

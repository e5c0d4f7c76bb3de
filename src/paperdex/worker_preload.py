"""What add's fork server loads before it forks any worker (paperdex/prepare.py), so each worker starts warm.

A worker is a fork of the server and starts with everything the server has loaded. Without this, each
worker imported the format and shape registries (YAML, CSV, JSON, HTML readers...) and built the Markdown
parser on its first files: ~0.06 s of CPU per worker, paid while the main process waited for its first
results. The objects loaded here live as long as the worker: they are frozen out of the garbage
collector's reach, so its full passes walk only what reading the files creates (and the pages stay shared
with the server).
"""

from __future__ import annotations

import gc

from paperdex import formats, prepare, segment  # noqa: F401  (prepare: what a worker runs)
from paperdex.extract.tree import markdown_parser

formats.formats()
segment.shapes()
markdown_parser()
gc.freeze()

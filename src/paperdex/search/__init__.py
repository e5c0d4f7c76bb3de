"""Search the library across languages: analysed keyword index, embeddings, and their fusion.

`engine.search(lib, query, mode=..., flt=..., limit=...)` is the entry point;
`jobs.embed_pending(lib)` computes missing vectors (run after `add`).
"""

"""Retrieval and grounded answers: embedder, keyword + vector search, fusion, prompt, answer."""

"""The knowledge base: entries, ingest, a bilingual index, ranking and learning."""

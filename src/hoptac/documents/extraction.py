def extract_mentions(text, *, lang="en", doc_date=None, today=None):
    return []

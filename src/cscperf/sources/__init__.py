"""Readers: from the files a council holds to canonical tables."""

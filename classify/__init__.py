"""Vietnamese understanding on spaCy: kind, type, parties, parcels, references."""

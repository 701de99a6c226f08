"""donthu — petitions (đơn thư) and land-dispute rulings: scans in, searchable classified records out."""

__version__ = "0.1.0"

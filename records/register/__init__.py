"""Handling letters (sổ xử lý đơn): working-day calendar, legal deadlines, duplicate and related letters, and the
register itself. Pure modules (`workdays`, `deadlines`, `duplicates`) need no database; `book` stores the register.
"""

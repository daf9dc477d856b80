"""The canonical model: table definitions (`tables`) and code lists (`codes`)."""

from cscperf.model.tables import BY_NAME, TABLES, Column, Table, table

__all__ = ["BY_NAME", "TABLES", "Column", "Table", "table"]

"""The PDF report (reportlab): a pure function of an audit snapshot. Filled by the report issue."""

"""The Safeguarding Adults Collection (NHS England): the SAC tables as CSV or the year's workbook."""

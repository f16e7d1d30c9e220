"""Batches of applications: sheet templates made from a decision's input schema; applications read from a
workbook, CSV files, JSON lines, a folder of documents or a decision log; evaluated on every core in input order;
results written as a workbook, CSV or JSON lines with a summary; and what a revision does to real applications,
change by change. Workbooks need the optional extra ``wqpolicy[sheets]`` (openpyxl; rich for the progress bar)."""

from __future__ import annotations

"""Excel templates out, Excel records in: the way centre staff fill their monthly records.

The modules: ``sheets`` (sheet names, column layouts, labels and the table of sheet kinds),
``export`` (``export_workbook`` and its data validation), ``read`` (reading cells and sheets,
cell positions and cell problems), ``import_`` (each sheet kind into record data, and
``import_workbook``).

``export_workbook`` writes one workbook per centre with a sheet per period: the month's
activity plan (计划), its activity records (活动记录), and the quarter's income, expenditure
and fixed assets (收入 / 支出 / 固定资产). Each sheet has a row for the publication date or a
title, the Chinese header row (frozen), then one row per record, with in-sheet validation
(dates in the period, times, drop-down lists from the centre's rooms and services, whole
numbers and amounts) whose sources live on a hidden sheet 选项.

Record text is always written as text: a title beginning with ``=`` is never a live formula
(``export.put``), and imports back as the same text.

``import_workbook`` reads a filled workbook back, in openpyxl's read-only mode and within
bounds (``sheets.MAX_FILE_BYTES``, ``MAX_UNPACKED_BYTES``, ``MAX_ROWS``, ``READ_COLUMNS``):
a workbook beyond them is refused with a message, a stray cell far to the right is ignored.
Every cell is checked with the record schema's own value kinds, wrapped as a scalar whose
position is the cell (``plan.xlsx!2026年3月计划!C7``); then the new record files are checked
as ``gongshi check`` checks a centre's records (its records, the personal-number guard and
its publication ledger: ``pipeline.PUBLISHED``) in a temporary copy of the centre, and
problems found there are traced back to the cell to change and said in the sheet's words
(工作表「2026年3月计划」第7行「日期」列, never a YAML file or key). Nothing is written
unless everything passes; ``gongshi import`` (generator.cli.excel) writes the returned texts.
Existing files are updated with ruamel round-trip so comments and layout stay.

Which record file a sheet fills comes from the table of disclosure kinds
(generator.disclosures: ``DisclosureKind.sheets``); how a kind's file is made from its sheets
of one period is ``IMPORTERS``. The activity records (活动记录) are kept, not disclosed, and
have their own sheet.
"""

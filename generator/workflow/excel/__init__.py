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

``import_workbook`` reads a filled workbook back. Every cell is checked with the record
schema's own value kinds, wrapped as a scalar whose position is the cell
(``plan.xlsx!2026年3月计划!C7``); then the new record files are checked by the pipeline's
loader (its records and its publication ledger: ``pipeline.PUBLISHED``) in a temporary copy
of the centre, and problems found there are traced back to their cells. Nothing is written
unless everything passes; ``gongshi import`` (generator.cli.excel) writes the returned texts.
Existing files are updated with ruamel round-trip so comments and layout stay.

Which record file a sheet fills comes from the table of disclosure kinds
(generator.disclosures: ``DisclosureKind.sheets``); how a kind's file is made from its sheets
of one period is ``IMPORTERS``. The activity records (活动记录) are kept, not disclosed, and
have their own sheet.
"""

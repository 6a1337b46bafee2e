/*
 * csv.h — RFC 4180 CSV: a report's `csv` table ({"columns": [...],
 * "rows": [[...], ...]}) written as the attachment of its email and kept in
 * scc.report_runs.csv.
 *
 * Every line ends with CRLF (the last one too); a field is quoted when it
 * holds a comma, a double quote, CR or LF, and its quotes are doubled.  A
 * text field that a spreadsheet would take for a formula (it starts with
 * = + - @, a tab or CR) gets a leading apostrophe, as scc.csv_text does in
 * SQL; numbers are written as the JSON wrote them (negative ones too),
 * null as an empty field, true/false as such.
 *
 * This file must never read or write files, touch the database or log: it
 * turns values into bytes.
 */
#ifndef SCC_CSV_H
#define SCC_CSV_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "buf.h"

/* Append one text field (len bytes) to OUT, quoted and guarded as above.
 * Returns 0, or -1 when out of memory. */
int scc_csv_field(scc_buf *out, const char *s, size_t len);

/* Append one JSON scalar as a field (strings as scc_csv_field, numbers
 * verbatim, null empty).  Returns 0, or -1 (out of memory, or an object or
 * array, which has no field form). */
int scc_csv_value(scc_buf *out, yajl_val v);

/* Append the whole table CSV ({"columns": [strings], "rows": [[scalars]]})
 * to OUT: the header, then each row.  A row must have as many fields as
 * there are columns.  Returns 0, or -1 with err. */
int scc_csv_table(scc_buf *out, yajl_val csv, char *err, size_t errlen);

#endif

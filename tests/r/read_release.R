# Read every CSV resource of a release as the frictionless R package (1.x) does, with only
# jsonlite and readr (Debian packages both, but not frictionless), and print what was read
# as JSON for tests/test_release_readers.py to compare with the CSV files cell by cell.
#
# Usage: Rscript tests/r/read_release.R dist/dprk-russia-arms-<version>
#
# What frictionless::read_resource() does, and so what this script does:
# - it reads only resources whose `profile` is "tabular-data-resource" (1.x refuses others);
# - column names come from the Table Schema, not from the header; types from field types:
#   string -> character, number -> double, integer -> double (1.x avoids big-integer issues),
#   date -> Date (ISO); a type it cannot map is an error here;
# - readr::read_delim() gets the declared dialect (delimiter, quoteChar, doubleQuote, header),
#   na = the schema's missingValues (default ""), trim_ws = FALSE, no comment character.
# Any parsing problem (a cell readr cannot convert) stops the script with exit status 1.

suppressPackageStartupMessages({
  library(jsonlite)
  library(readr)
})

`%||%` <- function(x, y) if (is.null(x)) y else x # base R has it only from 4.4

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript read_release.R RELEASE_FOLDER")
folder <- args[1]
package <- read_json(file.path(folder, "datapackage.json"))

collector <- function(field) {
  switch(field$type %||% "string",
    string = col_character(),
    number = col_double(),
    integer = col_double(),
    date = col_date(format = "%Y-%m-%d"),
    stop(sprintf("field %s: type %s is not mapped", field$name, field$type))
  )
}

read_table <- function(resource) {
  if (!identical(resource$profile, "tabular-data-resource")) {
    stop(sprintf("resource %s: profile is not tabular-data-resource; frictionless 1.x would not read it", resource$name))
  }
  schema <- resource$schema
  if (is.character(schema)) schema <- read_json(file.path(folder, schema))
  names <- vapply(schema$fields, function(f) f$name, "")
  types <- do.call(cols, setNames(lapply(schema$fields, collector), names))
  dialect <- resource$dialect %||% list()
  path <- file.path(folder, resource$path)
  header <- names(read_csv(path, n_max = 0, col_types = cols(.default = col_character()), progress = FALSE))
  if (!identical(header, names)) stop(sprintf("resource %s: header differs from the schema", resource$name))
  data <- read_delim(
    path,
    delim = dialect$delimiter %||% ",",
    quote = dialect$quoteChar %||% "\"",
    escape_double = dialect$doubleQuote %||% TRUE,
    col_names = names,
    col_types = types,
    locale = locale(encoding = resource$encoding %||% "UTF-8"),
    na = unlist(schema$missingValues %||% list("")),
    comment = "",
    trim_ws = FALSE,
    skip = if (isTRUE(dialect$header %||% TRUE)) 1 else 0,
    skip_empty_rows = TRUE,
    progress = FALSE
  )
  if (nrow(problems(data)) > 0) {
    print(problems(data))
    stop(sprintf("resource %s: readr reported parsing problems", resource$name))
  }
  data
}

out <- list(r = R.version.string, readr = as.character(packageVersion("readr")), tables = list())
for (resource in package$resources) {
  data <- read_table(resource)
  out$tables[[resource$name]] <- list(
    rows = nrow(data),
    classes = lapply(data, function(column) class(column)[1]),
    # I() keeps a one-row column a JSON array under auto_unbox
    columns = lapply(data, function(column) I(if (inherits(column, "Date")) format(column, "%Y-%m-%d") else column))
  )
}
cat(toJSON(out, auto_unbox = TRUE, na = "null", digits = NA, null = "null"))
cat("\n")

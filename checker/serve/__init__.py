"""`gbm-check serve`: a local web page for procurement officers — drop bid files, read the verdict, download
the reports.  ``app`` (routes), ``uploads`` (streamed, limited uploads), ``jobs`` and ``worker`` (checks in
worker processes), ``store`` (the SQLite history), ``security`` (token, host, CSRF, CSP), ``settings``."""

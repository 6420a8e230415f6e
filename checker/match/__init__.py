"""Match: normalise bill text (``normalize``), load the catalogs (``catalog``) and find their terms in a line
(``matcher``)."""

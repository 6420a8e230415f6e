"""``python -m checker`` runs the gbm-check command line."""
from .cli import main

main()

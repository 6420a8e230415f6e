"""``python -m checker`` runs the gbm-check command line."""
from .launch import run

run()

"""Checking an archive on a Dask cluster (placeholder filled below)."""
from __future__ import annotations


class ClusterError(Exception):
    """The cluster cannot be reached or used; the message is one line for the user."""

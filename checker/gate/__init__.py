"""Gate: stable finding ids (``fingerprint``), accepted exceptions (``waivers``) and known findings (``baseline``)."""

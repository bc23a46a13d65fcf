"""gongshi: community service centre records → validated model → disclosures."""

__version__ = "0.1.0"
